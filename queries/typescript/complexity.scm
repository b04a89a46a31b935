; inherits: ecma
; TypeScript decides exactly where JavaScript does.
