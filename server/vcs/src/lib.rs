//! What git knows of the workspace, and how lines move between two versions of a text.
//! Knows nothing of analysis or editors.
