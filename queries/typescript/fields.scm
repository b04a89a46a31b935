; inherits: ecma
; TypeScript: the properties of an interface or object type, and the fields of a class body.

(property_signature
  name: (property_identifier) @field.name
  type: (type_annotation)? @field.type) @field

; `name?: T` may be left out.
(property_signature
  name: (property_identifier) @field.name
  "?" @field.optional) @field

(public_field_definition
  name: (property_identifier) @field.name
  type: (type_annotation)? @field.type
  value: (_)? @field.default) @field

((public_field_definition
   (accessibility_modifier) @field.private
   name: (property_identifier) @field.name) @field
  (#any-of? @field.private "private" "protected"))
