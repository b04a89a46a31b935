; Rust: the named fields of a struct, matched on the children of its `{ ... }` body. A field
; without a visibility is private to the struct's module.

(field_declaration
  (visibility_modifier)? @field.public
  name: (field_identifier) @field.name
  type: (_) @field.type) @field
