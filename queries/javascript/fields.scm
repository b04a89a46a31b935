; inherits: ecma
; JavaScript: the fields of a class body.

(field_definition
  property: (property_identifier) @field.name
  value: (_)? @field.default) @field
