; inherits: ecma
; JavaScript decides where ECMAScript does.
