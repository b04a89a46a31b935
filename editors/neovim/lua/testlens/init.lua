--- testlens for Neovim 0.11+: starts `testlens lsp` through `vim.lsp.config`/`vim.lsp.enable`,
--- hands it the `testlens` settings, turns on inlay hints and code lenses, and adds
--- :TestlensIngest, :TestlensCoveringTests and :TestlensRestart. Every analysis happens in the
--- server.
local M = {}

--- The filetypes the server analyses.
M.filetypes = {
  "rust",
  "python",
  "go",
  "javascript",
  "javascriptreact",
  "typescript",
  "typescriptreact",
}

--- What marks a workspace root: a directory with the history (`.testlens/`) first; else the
--- nearest directory with any of the others (a nested list: equal priority, see vim.fs.root()).
M.root_markers = {
  ".testlens",
  { ".git", "Cargo.toml", "pyproject.toml", "setup.py", "go.mod", "package.json" },
}

--- The server's settings, in the shape it reads from `workspace/configuration` (section
--- `testlens`) and from `initializationOptions`.
M.default_settings = {
  database = vim.NIL, -- the history file; null: .testlens/history.db at the workspace root
  hints = { complexity = true, coverage = true, risk = true },
  risk = { threshold = 0.5 },
  flaky = { window = 30, stableRuns = 30 },
  logLevel = "info", -- error | warn | info | debug | trace
}

local defaults = {
  --- The `testlens` binary. nil: `testlens` on $PATH.
  server_path = nil,
  --- The whole command, when more than `{ server_path, "lsp" }` is needed.
  cmd = nil,
  settings = M.default_settings,
  --- Turn inlay hints on in every buffer the server attaches to.
  inlay_hints = true,
  --- Show and refresh the server's code lenses ("covered by 4 tests · 1 flaky").
  codelens = true,
  --- Called as on_attach(client, bufnr) after the plugin's own set-up.
  on_attach = nil,
}

M.name = "testlens"
local COVERING_TESTS = "testlens.coveringTests"

---@type table the options in force, after setup()
M.options = vim.deepcopy(defaults)

local function notify(msg, level)
  vim.notify("testlens: " .. msg, level or vim.log.levels.INFO, { title = "testlens" })
end

--- The binary the options name, or nil (with a message saying how to get one).
function M.binary(opts)
  opts = opts or M.options
  local candidate = opts.cmd and opts.cmd[1] or opts.server_path or "testlens"
  candidate = vim.fn.expand(candidate)
  local found = vim.fn.exepath(candidate)
  if found == "" then
    notify(
      ("no server binary: %q is not an executable file or on $PATH. Install it with "
        .. "`cargo install --path server/cli` from a clone of testlens, or pass "
        .. "server_path to require('testlens').setup()."):format(candidate),
      vim.log.levels.ERROR
    )
    return nil
  end
  return found
end

--- The config for vim.lsp.config("testlens", …).
function M.lsp_config(opts)
  opts = opts or M.options
  local bin = M.binary(opts)
  if not bin then
    return nil
  end
  local cmd = opts.cmd and vim.list_extend({ bin }, vim.list_slice(opts.cmd, 2)) or { bin, "lsp" }
  local settings = opts.settings
  return {
    cmd = cmd,
    cmd_env = { TESTLENS_LOG = vim.env.TESTLENS_LOG or settings.logLevel },
    filetypes = M.filetypes,
    root_markers = M.root_markers,
    settings = { testlens = settings },
    init_options = settings,
    handlers = {
      -- The server asks for fresh hints when the history changes (an ingest from anywhere): the
      -- file summaries for the status line may have changed with them.
      ["workspace/inlayHint/refresh"] = function(err, result, ctx)
        local answer = vim.lsp.handlers["workspace/inlayHint/refresh"](err, result, ctx)
        if not err then
          M._hints_mark_hidden_stale(ctx.client_id)
        end
        vim.schedule(M._summary_refresh_all)
        return answer
      end,
    },
    on_attach = function(client, bufnr)
      M._on_attach(client, bufnr, opts)
    end,
  }
end

function M._on_attach(client, bufnr, opts)
  if opts.inlay_hints and client:supports_method("textDocument/inlayHint") then
    vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
    M._hints_attach(bufnr)
  end
  if opts.codelens and client:supports_method("textDocument/codeLens") then
    local group = vim.api.nvim_create_augroup("testlens.codelens." .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "BufWritePost" }, {
      group = group,
      buffer = bufnr,
      callback = function()
        vim.lsp.codelens.refresh({ bufnr = bufnr })
      end,
    })
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  end
  M._summary_attach(client, bufnr)
  if opts.on_attach then
    opts.on_attach(client, bufnr)
  end
end

-- Neovim (0.11) answers workspace/inlayHint/refresh for the buffers shown in a window only: a
-- hidden buffer would keep the hints it had before an ingest until its next edit. The buffers
-- hidden at a refresh are marked, and when one is shown again, the refresh is replayed (through
-- Neovim's own handler, which now sees it in a window).
local hints_stale = {} -- bufnr -> client id

function M._hints_mark_hidden_stale(client_id)
  for _, bufnr in ipairs(vim.lsp.get_buffers_by_client_id(client_id)) do
    if #vim.fn.win_findbuf(bufnr) == 0 and vim.lsp.inlay_hint.is_enabled({ bufnr = bufnr }) then
      hints_stale[bufnr] = client_id
    end
  end
end

function M._hints_attach(bufnr)
  local group = vim.api.nvim_create_augroup("testlens.hints." .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd("BufWinEnter", {
    group = group,
    buffer = bufnr,
    callback = function()
      local client_id = hints_stale[bufnr]
      hints_stale[bufnr] = nil
      if client_id then
        vim.schedule(function()
          if vim.lsp.get_client_by_id(client_id) then
            vim.lsp.handlers["workspace/inlayHint/refresh"](nil, nil, {
              method = "workspace/inlayHint/refresh",
              client_id = client_id,
            })
          end
        end)
      end
    end,
  })
  vim.api.nvim_create_autocmd("BufWipeout", {
    group = group,
    buffer = bufnr,
    callback = function()
      hints_stale[bufnr] = nil
    end,
  })
end

--- The running testlens client of a buffer (default: the current one).
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr or 0, name = M.name })[1]
end

-- Covering tests ------------------------------------------------------------------------------

--- Shows LSP locations in the quickfix list and opens it.
function M.show_locations(locations, offset_encoding, title)
  if not locations or #locations == 0 then
    notify("no test in the history covers this function. Ingest a coverage report with per-test data first.")
    return
  end
  local items = vim.lsp.util.locations_to_items(locations, offset_encoding or "utf-16")
  vim.fn.setqflist({}, " ", { title = title or "testlens: covering tests", items = items })
  vim.cmd("botright copen")
end

--- The client-side command of the server's code lenses: arguments { uri, position, locations }.
vim.lsp.commands["testlens.showCoveringTests"] = function(command, ctx)
  local args = command.arguments or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  M.show_locations(args[3], client and client.offset_encoding, "testlens: " .. (command.title or "covering tests"))
end

--- Asks the server which tests cover the function at the cursor, and lists them.
function M.covering_tests()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    notify("the server is not attached to this buffer", vim.log.levels.WARN)
    return
  end
  local provider = client.server_capabilities.executeCommandProvider or {}
  if not vim.tbl_contains(provider.commands or {}, COVERING_TESTS) then
    notify(
      "this server cannot list covering tests (it does not offer " .. COVERING_TESTS .. "). Update testlens.",
      vim.log.levels.WARN
    )
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  client:request("workspace/executeCommand", {
    command = COVERING_TESTS,
    arguments = { params.textDocument.uri, params.position },
  }, function(err, result)
    if err then
      notify("covering tests failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    M.show_locations(result, client.offset_encoding)
  end, bufnr)
end

-- Ingest --------------------------------------------------------------------------------------

--- Runs `testlens ingest [--db <database>] <files…>` in the workspace root and reports the
--- outcome with vim.notify. `on_done(result)` (optional) gets vim.system's result.
function M.ingest(files, on_done)
  local bin = M.binary()
  if not bin then
    return
  end
  local client = M.client()
  local root = client and client.root_dir or vim.fs.root(0, M.root_markers) or vim.fn.getcwd()
  local argv = { bin, "ingest" }
  local db = M.options.settings.database
  if type(db) == "string" and db ~= "" then
    vim.list_extend(argv, { "--db", vim.fn.expand(db) })
  end
  for _, f in ipairs(files) do
    table.insert(argv, vim.fn.fnamemodify(vim.fn.expand(f), ":p"))
  end
  vim.system(argv, { cwd = root, text = true }, function(out)
    vim.schedule(function()
      local text = vim.trim((out.stdout or "") .. "\n" .. (out.stderr or ""))
      if out.code == 0 then
        notify("ingested.\n" .. text)
        M._summary_refresh_all()
      else
        notify(("ingest failed (exit %d):\n%s"):format(out.code, text), vim.log.levels.ERROR)
      end
      if on_done then
        on_done(out)
      end
    end)
  end)
end

-- Status line ---------------------------------------------------------------------------------

-- testlens/fileSummary per buffer: { coverage = number|nil, tests, flaky, broken }.
local summaries = {}
local summary_supported = {}

function M._summary_refresh(bufnr)
  local client = M.client(bufnr)
  if not client or summary_supported[client.id] == false or not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  client:request("testlens/fileSummary", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  }, function(err, result)
    if err then
      if err.code == vim.lsp.protocol.ErrorCodes.MethodNotFound then
        summary_supported[client.id] = false
      end
      summaries[bufnr] = nil
    else
      summaries[bufnr] = result ~= vim.NIL and result or nil
    end
    vim.cmd("redrawstatus")
  end, bufnr)
end

function M._summary_refresh_all()
  for bufnr in pairs(summaries) do
    M._summary_refresh(bufnr)
  end
  M._summary_refresh(vim.api.nvim_get_current_buf())
end

function M._summary_attach(_, bufnr)
  local group = vim.api.nvim_create_augroup("testlens.summary." .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ "BufEnter", "BufWritePost", "DiagnosticChanged" }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M._summary_refresh(bufnr)
    end,
  })
  M._summary_refresh(bufnr)
end

--- For 'statusline': "72% · 1 flaky", "no coverage", or "" when the server has said nothing.
--- Example: vim.o.statusline = "%f %= %{v:lua.require'testlens'.statusline()} %l:%c"
function M.statusline(bufnr)
  local s = summaries[bufnr or vim.api.nvim_get_current_buf()]
  if not s then
    return ""
  end
  local parts = { s.coverage == vim.NIL and "no coverage" or ("%d%%"):format(math.floor(s.coverage + 0.5)) }
  if (s.flaky or 0) > 0 then
    table.insert(parts, s.flaky .. " flaky")
  end
  if (s.broken or 0) > 0 then
    table.insert(parts, s.broken .. " broken")
  end
  return table.concat(parts, " · ")
end

--- The last testlens/fileSummary of a buffer, or nil.
function M.summary(bufnr)
  return summaries[bufnr or vim.api.nvim_get_current_buf()]
end

-- Settings and restart ------------------------------------------------------------------------

--- Changes settings at run time: merges `settings` into the running clients' and tells the server
--- (`workspace/didChangeConfiguration`; it pulls the section again).
function M.update_settings(settings)
  M.options.settings = vim.tbl_deep_extend("force", M.options.settings, settings)
  for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
    client.settings = { testlens = M.options.settings }
    client:notify("workspace/didChangeConfiguration", { settings = client.settings })
  end
end

--- Stops the server and starts it again in every buffer it was attached to.
function M.restart()
  local clients = vim.lsp.get_clients({ name = M.name })
  vim.lsp.enable(M.name, false) -- stops them
  local deadline = vim.uv.now() + 5000
  local function again()
    local alive = vim.tbl_filter(function(c)
      return not c:is_stopped()
    end, clients)
    if #alive > 0 and vim.uv.now() < deadline then
      vim.defer_fn(again, 50)
      return
    end
    local config = M.lsp_config()
    if config then
      vim.lsp.config(M.name, config)
      vim.lsp.enable(M.name) -- attaches to the open buffers of its filetypes
      notify("server restarted")
    end
  end
  again()
end

-- Setup ---------------------------------------------------------------------------------------

--- require("testlens").setup({ server_path = …, settings = { … }, inlay_hints = true, … })
function M.setup(opts)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  local config = M.lsp_config()
  if config then
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
  end

  vim.api.nvim_create_user_command("TestlensIngest", function(cmd)
    if #cmd.fargs > 0 then
      M.ingest(cmd.fargs)
      return
    end
    vim.ui.input({ prompt = "Reports to ingest: ", completion = "file" }, function(input)
      if input and vim.trim(input) ~= "" then
        M.ingest(vim.split(vim.trim(input), "%s+"))
      end
    end)
  end, { nargs = "*", complete = "file", desc = "testlens: ingest test and coverage reports into the history" })

  vim.api.nvim_create_user_command("TestlensCoveringTests", function()
    M.covering_tests()
  end, { desc = "testlens: list the tests that cover the function at the cursor" })

  vim.api.nvim_create_user_command("TestlensRestart", function()
    M.restart()
  end, { desc = "testlens: restart the language server" })
end

return M
