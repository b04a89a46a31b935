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
