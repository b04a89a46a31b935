//! A guard in front of tower-lsp-server's reader. Its framed stream ends at the first message it
//! cannot decode, which would end the session: one malformed message from a client must not do
//! that. This task reads the real stdin, passes each well-formed message through unchanged, and
//! drops anything else with a log line.

use serde::de::IgnoredAny;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Larger messages are not LSP messages; their bytes are skipped.
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

pub async fn forward(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut reader = BufReader::new(input);
    loop {
        // Headers, up to the empty line.
        let mut length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) => return,
                Ok(_) => {}
                Err(err) => {
                    tracing::error!("cannot read stdin: {err}");
                    return;
                }
            }
            if line == b"\r\n" || line == b"\n" {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            let text = String::from_utf8_lossy(&line);
            match text.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    length = value.trim().parse().ok();
                    if length.is_none() {
                        tracing::warn!("dropped a message: bad Content-Length {:?}", value.trim());
                    }
                }
                Some((name, _)) if name.trim().eq_ignore_ascii_case("content-type") => {}
                _ => tracing::warn!(
                    "skipped a line that is not an LSP header: {:?}",
                    text.trim_end()
                ),
            }
        }
        let Some(length) = length else {
            continue;
        };
        if length > MAX_MESSAGE {
            tracing::warn!(length, "dropped a message over 256 MiB");
            let skipped = tokio::io::copy(
                &mut (&mut reader).take(length as u64),
                &mut tokio::io::sink(),
            )
            .await;
            if skipped.is_err() {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        if let Err(err) = serde_json::from_slice::<IgnoredAny>(&body) {
            tracing::warn!("dropped a malformed message ({length} bytes): {err}");
            continue;
        }
        let header = format!("Content-Length: {length}\r\n\r\n");
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}
