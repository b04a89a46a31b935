-- The default config of the testlens server, for `vim.lsp.enable("testlens")` without
-- require("testlens").setup(): Neovim 0.11 reads `lsp/<name>.lua` from 'runtimepath'.
-- setup() overrides it with the options it is given.
local testlens = require("testlens")

return {
  cmd = { "testlens", "lsp" },
  filetypes = testlens.filetypes,
  root_markers = testlens.root_markers,
  settings = { testlens = testlens.default_settings },
  init_options = testlens.default_settings,
}
