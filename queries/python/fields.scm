; Python: the annotated attributes of a class body, which are a dataclass's or a named tuple's
; fields. `ClassVar`s belong to the class, not to its values.

((expression_statement
   (assignment
     left: (identifier) @field.name
     type: (type) @field.type
     right: (_)? @field.default)) @field
  (#not-match? @field.type "^(typing[.])?ClassVar"))
