//! End-to-end tests of `testlens lsp`: the real binary, over stdio, driven by a JSON-RPC client.

mod harness;

mod bad_input;
mod expected;
mod features;
mod generate;
mod heal;
mod history;
mod indexing;
mod ordering;
mod positions;
mod rename;
mod runners;
