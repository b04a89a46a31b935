; JavaScript and TypeScript (shared): nothing; their class fields are different nodes (see
; javascript/fields.scm and typescript/fields.scm).
