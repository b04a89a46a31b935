; Rust outline: matched at depth 0 on each top-level node and on each node of a container's body.
; See queries/README.md for the capture vocabulary.

; Doc comments and attributes attach to the item or container that follows them.
(line_comment) @attach
(block_comment) @attach
(attribute_item) @attach

; Items: analysed one at a time and cached by their text.
(function_item) @item

; Containers: their bodies are walked for more items.
((impl_item
  trait: (_)? @container.trait
  type: (_) @container.name
  body: (declaration_list) @container.body) @container
  (#set! kind "impl"))

((mod_item
  name: (identifier) @container.name
  body: (declaration_list) @container.body) @container
  (#set! kind "module"))

((trait_item
  name: (type_identifier) @container.name
  body: (declaration_list) @container.body) @container
  (#set! kind "trait"))

; Records: structs with named fields (fields.scm reads the fields). Not a role: a struct is
; neither an item nor a container.
((struct_item
  (visibility_modifier)? @record.public
  name: (type_identifier) @record.name
  body: (field_declaration_list) @record.body) @record
  (#set! record "struct"))
