; Rust functions: name, parameters with their written types, return type.
; The doc comment comes from the `///` comments attached above the item.

(function_item
  (visibility_modifier)? @function.visibility
  name: (identifier) @function.name
  parameters: (parameters) @function.params
  return_type: (_)? @function.return_type) @function

(parameter
  pattern: (_) @param.name
  type: (_) @param.type) @param

(self_parameter) @param @param.name
