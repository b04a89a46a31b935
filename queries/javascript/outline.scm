; inherits: ecma
; JavaScript only: class fields, which may hold functions.

(field_definition) @item
