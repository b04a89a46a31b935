; Go: the named fields of a struct, one match per name (`Name, Alias string` is two fields).
; Embedded fields have no name and are left out: a literal may omit them.

(field_declaration
  name: (field_identifier) @field.name
  type: (_) @field.type) @field
