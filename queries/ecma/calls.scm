; JavaScript and TypeScript calls: the called name, without receiver. `new Cart()` calls `Cart`.

(call_expression function: (identifier) @call)
(call_expression function: (member_expression property: (property_identifier) @call))
(new_expression constructor: (identifier) @call)
