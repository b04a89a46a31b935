-- End-to-end test of the testlens Neovim plugin in a real, headless Neovim 0.11: the plugin's
-- setup() starts the real server on copies of the fixture projects; each step waits (with a
-- timeout that fails clearly) for what Neovim holds for the user: the buffer's diagnostics, the
-- inlay hints Neovim draws, the buffer's lines after a code action, the quickfix list, messages.
--
-- Run by tests/editors/nvim/run.sh:
--   TESTLENS=bin WORK=dir nvim --headless --clean --cmd 'set rtp^=editors/neovim' -l test.lua
local TIMEOUT = tonumber(os.getenv("TESTLENS_E2E_TIMEOUT_MS") or "30000")
local WORK = assert(os.getenv("WORK"), "WORK is not set")
local TESTLENS = assert(os.getenv("TESTLENS"), "TESTLENS is not set")
local TS = WORK .. "/typescript"
local JS = WORK .. "/javascript"

local passed, failed = 0, 0
local step_no = 0
local started = vim.uv.hrtime()

local function out(s)
  io.stdout:write(s .. "\n")
  io.stdout:flush()
end

local function finish()
  out(("\nnvim e2e: %d passed, %d failed in %.0fs"):format(passed, failed, (vim.uv.hrtime() - started) / 1e9))
  -- The LSP log (the server's stderr is in it) for the artifacts.
  out("lsp log: " .. vim.lsp.log.get_filename())
  os.exit(failed == 0 and 0 or 1)
end

--- Runs one named check; the first failure ends the run (later checks build on earlier ones).
local function step(name, fn)
  step_no = step_no + 1
  local t0 = vim.uv.hrtime()
  local ok, err = xpcall(fn, debug.traceback)
  local took = (vim.uv.hrtime() - t0) / 1e9
  if ok then
    passed = passed + 1
    out(("ok   %d %s (%.1fs)"):format(step_no, name, took))
  else
    failed = failed + 1
    out(("FAIL %d %s (%.1fs)\n     %s"):format(step_no, name, took, tostring(err):gsub("\n", "\n     ")))
    finish()
  end
end

--- Waits until pred() returns a truthy value, and returns it; fails with `what` on timeout.
local function wait_for(what, pred, timeout)
  local value
  local ok = vim.wait(timeout or TIMEOUT, function()
    value = pred()
    return value ~= nil and value ~= false
  end, 50)
  if not ok then
    error(("timed out after %ds waiting for %s"):format((timeout or TIMEOUT) / 1000, what), 2)
  end
  return value
end

-- Messages, as the user would see them.
local messages = {}
vim.notify = function(msg, level)
  table.insert(messages, { msg = msg, level = level or vim.log.levels.INFO })
end
local function message_matching(pattern, level)
  for _, m in ipairs(messages) do
    if m.msg:find(pattern) and (level == nil or m.level == level) then
      return m
    end
  end
end

--- Shows the file in the current window: `:edit` the first time, `:buffer` after that (`:edit` of
--- the current buffer would read the file again).
local function open(path)
  local bufnr = vim.fn.bufnr(path)
  if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
    vim.cmd.buffer(bufnr)
  else
    vim.cmd.edit(vim.fn.fnameescape(path))
  end
  return vim.api.nvim_get_current_buf()
end

local function attached_client(bufnr)
  return wait_for("the testlens client to attach to " .. vim.api.nvim_buf_get_name(bufnr), function()
    local c = vim.lsp.get_clients({ bufnr = bufnr, name = "testlens" })[1]
    return c and c.initialized and c or nil
  end)
end

local function focused_diagnostics(bufnr)
  local rows = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == "testlens" and d.code == "focused-test" then
      rows[d.lnum + 1] = d
    end
  end
  return rows
end

local function label_of(hint)
  local label = hint.inlay_hint.label
  if type(label) == "table" then
    local parts = {}
    for _, p in ipairs(label) do
      table.insert(parts, p.value)
    end
    label = table.concat(parts)
  end
  return vim.trim(label)
end

--- Applies the code action titled `title` at (line, col) (1-based line, 0-based column), and
--- waits until line `line` reads `expected`.
local function apply_code_action(bufnr, line, col, title, expected)
  vim.api.nvim_win_set_cursor(0, { line, col })
  local offered = {}
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      table.insert(offered, action.title)
      return action.title == title
    end,
  })
  wait_for(("line %d to read %q after %q (actions offered: %s)"):format(line, expected, title, vim.inspect(offered)),
    function()
      return vim.api.nvim_buf_get_lines(bufnr, line - 1, line, false)[1] == expected
    end)
end

vim.o.columns = 160
vim.o.lines = 50
vim.cmd("filetype on")
-- DEBUG: the LSP log keeps every message of the protocol, for the artifacts of a failed run.
vim.lsp.log.set_level(vim.log.levels.DEBUG)

step("setup() starts the server and attaches it to a TypeScript file", function()
  require("testlens").setup({ server_path = TESTLENS, settings = { logLevel = "debug" } })
  local bufnr = open(TS .. "/src/pricing.ts")
  local client = attached_client(bufnr)
  assert(client.config.cmd[1] == TESTLENS and client.config.cmd[2] == "lsp",
    "unexpected command: " .. vim.inspect(client.config.cmd))
  assert(client.root_dir == TS, "root_dir is " .. tostring(client.root_dir) .. ", expected " .. TS)
  -- The server reads its settings with workspace/configuration: the plugin hands them over.
  local answer = vim.lsp.handlers["workspace/configuration"](nil, { items = { { section = "testlens" } } },
    { client_id = client.id })
  assert(answer[1].logLevel == "debug" and answer[1].hints.complexity == true and answer[1].risk.threshold == 0.5,
    "workspace/configuration answers " .. vim.inspect(answer))
end)

step("inlay hints: cx 10 at the end of shippingCents' signature (src/pricing.ts:27)", function()
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.lsp.inlay_hint.is_enabled({ bufnr = bufnr }), "inlay hints are not enabled in the buffer")
  local hints = wait_for("inlay hints on line 27", function()
    local on27 = vim.tbl_filter(function(h)
      return h.inlay_hint.position.line == 26
    end, vim.lsp.inlay_hint.get({ bufnr = bufnr }))
    return #on27 > 0 and on27 or nil
  end)
  local labels = vim.tbl_map(label_of, hints)
  assert(vim.tbl_contains(labels, "cx 10"), "hints on line 27: " .. vim.inspect(labels))
  local line = vim.api.nvim_buf_get_lines(bufnr, 26, 27, false)[1]
  assert(hints[1].inlay_hint.position.character == #line,
    ("the hint is at column %d, not at the end of the line (%d)"):format(hints[1].inlay_hint.position.character, #line))
  -- And the others of the file (fixtures/typescript/README.md).
  local all = {}
  for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr })) do
    all[h.inlay_hint.position.line + 1] = label_of(h)
  end
  for lnum, want in pairs({ [11] = "cx 1", [16] = "cx 4", [54] = "cx 2", [63] = "cx 1" }) do
    assert(all[lnum] and all[lnum]:find(want, 1, true), ("line %d: %q, expected %q"):format(lnum, tostring(all[lnum]), want))
  end
end)

local focused_buf
step("diagnostics: focused-test errors on src/focused.test.ts lines 6 and 10, with their docs link", function()
  focused_buf = open(TS .. "/src/focused.test.ts")
  attached_client(focused_buf)
  local rows = wait_for("focused-test diagnostics on lines 6 and 10", function()
    local r = focused_diagnostics(focused_buf)
    return (r[6] and r[10]) and r or nil
  end)
  assert(rows[6].severity == vim.diagnostic.severity.ERROR, "severity " .. tostring(rows[6].severity))
  local href = vim.tbl_get(rows[6], "user_data", "lsp", "codeDescription", "href") or ""
  assert(href:find("focused%-test"), "codeDescription.href is " .. vim.inspect(href))
end)

step("code action: \"Remove `.only`\" on line 6, applied; its diagnostic goes, line 10's stays", function()
  apply_code_action(focused_buf, 6, 7, "Remove `.only`", '  it("runs because it is focused", () => {')
  local line10 = vim.api.nvim_buf_get_lines(focused_buf, 9, 10, false)[1]
  assert(line10 == '  test.only("also focused (test.only)", () => {', "line 10 changed too: " .. line10)
  wait_for("the focused-test diagnostic of line 6 to go (line 10's to stay)", function()
    local r = focused_diagnostics(focused_buf)
    return r[6] == nil and r[10] ~= nil
  end)
end)

step("code action: \"Replace `fit` with `it`\" in a Jest file (__tests__/focused.test.js:11)", function()
  local bufnr = open(JS .. "/__tests__/focused.test.js")
  attached_client(bufnr)
  wait_for("a focused-test diagnostic on line 11", function()
    return focused_diagnostics(bufnr)[11]
  end)
  apply_code_action(bufnr, 11, 2, "Replace `fit` with `it`", '  it("also focused (fit)", () => {')
  wait_for("the focused-test diagnostic of line 11 to go", function()
    return focused_diagnostics(bufnr)[11] == nil
  end)
end)

step(":TestlensIngest ingests a report into .testlens/history.db and says so", function()
  vim.cmd.buffer(focused_buf)
  vim.cmd("TestlensIngest " .. vim.fn.fnameescape(TS .. "/reports/run-1"))
  local m = wait_for("a message from :TestlensIngest", function()
    return message_matching("^testlens: ingest")
  end)
  assert(m.level == vim.log.levels.INFO and m.msg:find("^testlens: ingested"), "message: " .. vim.inspect(m))
  assert(vim.uv.fs_stat(TS .. "/.testlens/history.db"), "no .testlens/history.db in the workspace root")
end)

step(":TestlensIngest reports a failure as an error", function()
  messages = {}
  vim.cmd("TestlensIngest " .. vim.fn.fnameescape(WORK .. "/no-such-report.xml"))
  local m = wait_for("a message from :TestlensIngest", function()
    return message_matching("^testlens: ingest")
  end)
  assert(m.level == vim.log.levels.ERROR and m.msg:find("failed"), "message: " .. vim.inspect(m))
end)

step("with runs 2-4 ingested too: the status line shows the coverage of src/pricing.ts, 100%", function()
  for _, run in ipairs({ "run-2", "run-3", "run-4" }) do -- one ingest is one run
    messages = {}
    vim.cmd("TestlensIngest " .. vim.fn.fnameescape(TS .. "/reports/" .. run))
    wait_for(":TestlensIngest of " .. run, function()
      return message_matching("^testlens: ingested")
    end)
  end
  local bufnr = open(TS .. "/src/pricing.ts")
  attached_client(bufnr)
  local testlens = require("testlens")
  wait_for('statusline() to read "100%" (it reads ' .. vim.inspect(testlens.statusline(bufnr)) .. " at the start)", function()
    return testlens.statusline(bufnr) == "100%"
  end)
end)

step("inlay hints: \"100% cov\" beside \"cx 1\" on lineTotal (src/pricing.ts:11)", function()
  local bufnr = vim.api.nvim_get_current_buf()
  local labels = wait_for('a "100% cov" hint on line 11', function()
    local on11 = {}
    for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr })) do
      if h.inlay_hint.position.line == 10 then
        table.insert(on11, label_of(h))
      end
    end
    return vim.tbl_contains(on11, "100% cov") and on11 or nil
  end)
  assert(vim.tbl_contains(labels, "cx 1"), "hints on line 11: " .. vim.inspect(labels))
end)

step("code lens \"covered/called by …\" above halvings runs testlens.showCoveringTests into the quickfix list", function()
  local bufnr = vim.api.nvim_get_current_buf()
  local lens = wait_for("a code lens on line 54", function()
    for _, l in ipairs(vim.lsp.codelens.get(bufnr)) do
      if l.range.start.line == 53 and l.command and (l.command.title:find("^covered by %d+ tests?") or l.command.title:find("^called by %d+ tests?")) then
        return l
      end
    end
  end)
  assert(lens.command.command == "testlens.showCoveringTests", "lens command: " .. vim.inspect(lens.command))
  vim.fn.setqflist({}, "r")
  vim.api.nvim_win_set_cursor(0, { 54, 0 })
  vim.lsp.codelens.run()
  local items = wait_for("the quickfix list of covering tests", function()
    local qf = vim.fn.getqflist({ title = 1, items = 1 })
    return #qf.items > 0 and qf.items or nil
  end)
  local names = vim.tbl_map(function(i)
    return vim.api.nvim_buf_get_name(i.bufnr)
  end, items)
  assert(vim.iter(names):any(function(n)
    return n:find("pricing%.test%.ts$")
  end), "quickfix: " .. vim.inspect(names))
  out("note code lens: " .. lens.command.title)
end)

step(":TestlensCoveringTests lists the tests covering halvings in the quickfix list", function()
  vim.cmd("cclose")
  open(TS .. "/src/pricing.ts")
  vim.fn.setqflist({}, "r")
  vim.api.nvim_win_set_cursor(0, { 54, 20 })
  vim.cmd("TestlensCoveringTests")
  local items = wait_for("the quickfix list of covering tests", function()
    local qf = vim.fn.getqflist({ title = 1, items = 1 })
    return qf.title:find("testlens") and #qf.items > 0 and qf.items or nil
  end)
  local names = vim.tbl_map(function(i)
    return vim.fn.fnamemodify(vim.api.nvim_buf_get_name(i.bufnr), ":t") .. ":" .. i.lnum
  end, items)
  assert(vim.tbl_contains(names, "pricing.test.ts:35"), "quickfix: " .. vim.inspect(names))
end)

step("update_settings({ hints = { complexity = false } }) reaches the server: the cx hints go, the coverage hints stay", function()
  local bufnr = open(TS .. "/src/pricing.ts")
  attached_client(bufnr)
  local function labels11()
    local on11 = {}
    for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr })) do
      if h.inlay_hint.position.line == 10 then
        table.insert(on11, label_of(h))
      end
    end
    return on11
  end
  require("testlens").update_settings({ hints = { complexity = false } })
  wait_for("line 11's hints to lose \"cx 1\" and keep \"100% cov\" (now " .. vim.inspect(labels11()) .. ")", function()
    local l = labels11()
    return not vim.tbl_contains(l, "cx 1") and vim.tbl_contains(l, "100% cov")
  end)
  require("testlens").update_settings({ hints = { complexity = true } })
  wait_for("\"cx 1\" to come back on line 11", function()
    return vim.tbl_contains(labels11(), "cx 1")
  end)
end)

step("a buffer hidden when the server asks for fresh hints asks for them when it is shown", function()
  -- src/cart.ts is loaded, and the server attached, without showing it in a window.
  local bufnr = vim.fn.bufadd(TS .. "/src/cart.ts")
  vim.fn.bufload(bufnr)
  attached_client(bufnr)
  local function labels()
    return vim.tbl_map(label_of, vim.lsp.inlay_hint.get({ bufnr = bufnr }))
  end
  local function has(pattern)
    return vim.iter(labels()):any(function(l)
      return l:find(pattern) ~= nil
    end)
  end
  wait_for('"cx" and "% cov" hints on the hidden src/cart.ts', function()
    return has("^cx %d+$") and has("%% cov$")
  end)
  assert(#vim.fn.win_findbuf(bufnr) == 0, "src/cart.ts is shown")
  -- Neovim's own handler, which the plugin calls: counts the refreshes that reach it.
  local builtin = vim.lsp.handlers["workspace/inlayHint/refresh"]
  local refreshes = 0
  vim.lsp.handlers["workspace/inlayHint/refresh"] = function(...)
    refreshes = refreshes + 1
    return builtin(...)
  end
  require("testlens").update_settings({ hints = { complexity = false } })
  wait_for("a workspace/inlayHint/refresh from the server", function()
    return refreshes > 0
  end)
  vim.lsp.handlers["workspace/inlayHint/refresh"] = builtin
  vim.cmd.buffer(bufnr)
  wait_for("the cx hints of src/cart.ts to go once it is shown (now " .. vim.inspect(labels()) .. ")", function()
    return not has("^cx %d+$") and has("%% cov$")
  end)
  require("testlens").update_settings({ hints = { complexity = true } })
  wait_for("the cx hints to come back", function()
    return has("^cx %d+$")
  end)
end)

step(":TestlensRestart starts a new server that attaches to the open buffers", function()
  vim.cmd("cclose")
  local bufnr = open(TS .. "/src/pricing.ts")
  local old = attached_client(bufnr)
  vim.cmd("TestlensRestart")
  local new = wait_for("a new client on the buffer", function()
    local c = vim.lsp.get_clients({ bufnr = bufnr, name = "testlens" })[1]
    return c and c.id ~= old.id and c.initialized and c or nil
  end)
  assert(old:is_stopped(), "the old client is still running")
  wait_for("inlay hints from the new server", function()
    return #vim.lsp.inlay_hint.get({ bufnr = bufnr }) > 0 or nil
  end)
  assert(new.config.cmd[1] == TESTLENS)
end)

finish()
