; inherits: ecma
; TypeScript outline additions: abstract classes, class fields with access modifiers.

((abstract_class_declaration
   name: (_) @container.name
   body: (class_body) @container.body) @container
  (#set! kind "class"))

((export_statement
   declaration: (abstract_class_declaration
     name: (_) @container.name
     body: (class_body) @container.body)) @container
  (#set! kind "class"))

(public_field_definition) @item
(abstract_method_signature) @item

; Records: interfaces and object types, built as object literals of their properties.
((interface_declaration
   name: (type_identifier) @record.name
   body: (interface_body) @record.body) @record
  (#set! record "interface"))

((export_statement
   declaration: (interface_declaration
     name: (type_identifier) @record.name
     body: (interface_body) @record.body) @record) @record.public
  (#set! record "interface"))

((type_alias_declaration
   name: (type_identifier) @record.name
   value: (object_type) @record.body) @record
  (#set! record "object"))

((export_statement
   declaration: (type_alias_declaration
     name: (type_identifier) @record.name
     value: (object_type) @record.body) @record) @record.public
  (#set! record "object"))
