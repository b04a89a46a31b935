//! What the two XML formats share: reading events one at a time into one buffer, turning
//! quick-xml's errors and byte offsets into positions, attribute values and text content.

use std::borrow::Cow;
use std::io::{self, BufRead};

use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};

use crate::ParseError;
use crate::position::{Pos, Tracked};
use crate::text::CappedText;

/// A buffer that grew past this for one large event is given back rather than kept.
const KEEP_BUFFER: usize = 1 << 20;

pub(crate) type XmlReader<R> = quick_xml::Reader<Tracked<R>>;

pub(crate) fn reader<R: BufRead>(input: R) -> XmlReader<R> {
    let mut reader = quick_xml::Reader::from_reader(Tracked::new(input));
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.trim_text(false);
    reader
}

/// Reads the next event into `buf` (cleared first). The event borrows only `buf`, so the caller
/// can still ask `reader` for positions while handling it.
pub(crate) fn next_event<'b, R: BufRead>(
    reader: &mut XmlReader<R>,
    buf: &'b mut Vec<u8>,
) -> Result<Event<'b>, ParseError> {
    if buf.capacity() > KEEP_BUFFER {
        *buf = Vec::with_capacity(64 * 1024);
    }
    buf.clear();
    reader.get_mut().mark();
    match reader.read_event_into(buf) {
        Ok(event) => {
            if let Some(pos) = reader.get_ref().bad_utf8() {
                return Err(pos.error("invalid UTF-8"));
            }
            debug_assert_eq!(reader.buffer_position(), reader.get_ref().offset());
            Ok(event)
        }
        Err(e) => Err(convert_error(reader, e)),
    }
}

fn convert_error<R: BufRead>(reader: &XmlReader<R>, e: quick_xml::Error) -> ParseError {
    let tracked = reader.get_ref();
    match e {
        quick_xml::Error::Io(e) => ParseError::Io(io::Error::new(e.kind(), e.to_string())),
        quick_xml::Error::Encoding(_) => tracked
            .utf8_error()
            .unwrap_or_else(|| tracked.mark_pos())
            .error("invalid UTF-8"),
        other => {
            // Syntax and well-formedness errors: quick-xml places them at the `<` of the markup
            // at fault, within the event being read.
            let pos = tracked.pos_of(reader.error_position());
            pos.error(lower_first(&other.to_string()))
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The start of the event just read.
pub(crate) fn event_pos<R: BufRead>(reader: &XmlReader<R>) -> Pos {
    reader.get_ref().mark_pos()
}

/// The end of what was read.
pub(crate) fn end_pos<R: BufRead>(reader: &XmlReader<R>) -> Pos {
    reader.get_ref().end_pos()
}

/// Calls `f` with the local name and the attribute of each attribute of `e`.
pub(crate) fn for_each_attr<'a>(
    e: &'a BytesStart<'_>,
    pos: Pos,
    mut f: impl FnMut(&str, &Attribute<'a>) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    for attr in e.attributes() {
        let attr = attr.map_err(|err| pos.error(format!("invalid attribute: {err}")))?;
        let key = attr.key.local_name();
        f(key.as_ref(), &attr)?;
    }
    Ok(())
}

/// An attribute's value with references resolved.
pub(crate) fn value<'a>(attr: &Attribute<'a>, pos: Pos) -> Result<Cow<'a, str>, ParseError> {
    attr.normalized_value(XmlVersion::Implicit1_0)
        .map_err(|err| {
            pos.error(format!(
                "invalid attribute value: {}",
                lower_first(&err.to_string())
            ))
        })
}

/// Appends the character data of a text, CDATA or reference event to `out`. Other events add
/// nothing.
pub(crate) fn push_text(
    event: &Event<'_>,
    out: &mut CappedText,
    pos: Pos,
) -> Result<(), ParseError> {
    match event {
        Event::Text(t) => out.push(&t.xml10_content()),
        Event::CData(c) => out.push(&c.xml10_content()),
        Event::GeneralRef(r) => match r.resolve_char_ref() {
            Ok(Some(c)) => out.push_char(c),
            Ok(None) => match quick_xml::escape::resolve_predefined_entity(r) {
                Some(s) => out.push(s),
                None => return Err(pos.error(format!("unknown entity `&{};`", &**r))),
            },
            Err(err) => return Err(pos.error(lower_first(&err.to_string()))),
        },
        _ => {}
    }
    Ok(())
}

/// Checks a reference that is not kept (in an element whose text is ignored).
pub(crate) fn check_ref(event: &Event<'_>, pos: Pos) -> Result<(), ParseError> {
    if let Event::GeneralRef(_) = event {
        push_text(event, &mut CappedText::default(), pos)?;
    }
    Ok(())
}

pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}

/// A `time` attribute in seconds. Old Surefire versions wrote thousands separators
/// (`1,234.5`).
pub(crate) fn parse_seconds(s: &str) -> Option<f64> {
    let s = s.trim();
    let value: f64 = if s.contains(',') {
        s.replace(',', "").parse().ok()?
    } else {
        s.parse().ok()?
    };
    (value.is_finite() && value >= 0.0).then_some(value)
}
