; Go outline: matched at depth 0 on each top-level declaration. Go has no nesting containers:
; methods name their type through their receiver. See queries/README.md.

; A doc comment is the run of `//` comments right above a declaration.
(comment) @attach

(function_declaration) @item
(method_declaration) @item

; File facts.
(package_clause (package_identifier) @package)
(import_declaration (import_spec path: (_) @import))
(import_declaration (import_spec_list (import_spec path: (_) @import)))

; Records: struct types (fields.scm reads the fields), one match per spec of a `type (...)` group.
((type_declaration
   (type_spec
     name: (type_identifier) @record.name
     type: (struct_type (field_declaration_list) @record.body)) @record)
  (#set! record "struct"))
