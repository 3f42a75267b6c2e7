// salesdocs preview: the page. Plain JavaScript, no build step; CodeMirror 5 is the only library.
"use strict";

const LANG = document.documentElement.dataset.lang === "en" ? "en" : "zh";
const T = {
  zh: {
    title: "政策预览工作台", files: "文件", documents: "文档", newFile: "新建文件", client: "客户", deal: "交易", create: "新建",
    save: "保存", history: "历史版本", restore: "恢复这个版本", saved: "已保存", unsaved: "有未保存的修改", changedOnDisk: "有未保存的修改；这个文件刚在别处被修改过，保存时会先让你对比两个版本", saving: "正在保存…",
    conflictTitle: "文件在别处被修改了", conflictText: "你开始编辑之后，这个文件在磁盘上被改过，所以没有保存。两个版本都在下面，不会丢失。",
    mine: "你的版本（尚未保存）", theirs: "磁盘上现在的版本", keepMine: "用我的版本覆盖（磁盘上的版本留在历史版本里）", takeTheirs: "改用磁盘上的版本（我的修改留在历史版本里）",
    ok: "没有问题", problems: (e, w) => `${e} 个错误，${w} 个警告`, updating: "正在更新预览…", chooseFile: "← 在左边选一个文件来编辑",
    broken: "文件有错误，下面是上一次正确时的预览（已变灰）。改正后会自动更新。", stale: "正在生成新的预览…", notYet: "正在生成…",
    failed: "生成失败：", help: "光标处：", allowed: "可选值：", examples: "示例：", noHelp: "这里没有说明", pages: "页",
    folders: { rules: "政策 rules/", clients: "客户 clients/", deals: "交易 deals/" }, intro: "公司介绍", quote: "报价单", appendix: "合同附件", brief: "拜访简报（内部）", handout: "客户手册",
    discard: "这个文件有未保存的修改。放弃这些修改、打开另一个文件吗？",
    exists: "这个文件已经存在", forClient: "客户：", idRule: "编号也是文件名：只用小写英文字母、数字和 -，例如 yunfan-tech；交易用 年份-序号-客户-项目，例如 2026-004-yunfan-catalogue", created: (n) => `已新建：填好标 ★ 的 ${n} 项后保存（右侧列出还空着的）`, notSaved: "未保存：文件在别处被修改了", hint: "提示：", fromDisk: "磁盘上的版本", fromPage: "保存", fromUnsaved: "放弃的修改", current: " · 当前", changed: (c) => c.lines ? `改了 ${c.lines} 行，从第 ${c.line} 行起：${c.text}` : "与上一个版本相同",
    differsNote: "标出的行是两个版本不同的地方。", saveTip: "保存（Ctrl+S）", templates: "模板（排版）",
    backToEdit: "返回编辑（暂不保存）", mergeHint: "你的修改还在编辑器里，没有保存。改好后再保存时，会再次并排显示磁盘上的版本，由你决定用哪一个。",
    reloaded: "已载入别处保存的新版本", kept: (n) => `你的修改已放进历史版本 #${n}`,
    offline: "没有保存：连不上预览服务（它可能已经停止或重新启动）。修改还在编辑器里：先复制出来，再打开 salesdocs preview 新给出的地址。",
    expired: "没有保存：这个页面的令牌已失效（预览服务重新启动过）。修改还在编辑器里：先复制出来，再打开 salesdocs preview 新给出的地址。",
    disconnected: "与预览服务的连接断开了，正在重连…", gone: "这个文件已在磁盘上被删除。要用编辑器里的内容重新创建它吗？",
    goneRules: "没有保存：这个文件已在磁盘上被删除。修改还在编辑器里，请先复制出来。",
    discardRestore: (n) => `这个文件有未保存的修改。放弃这些修改、恢复到 #${n} 吗？`, restored: (n) => `已恢复到 #${n}（这也是一次新的保存）`,
    discardNew: "这个文件有未保存的修改。放弃这些修改、新建文件吗？", savedWithErrors: (n) => `已保存，但这个文件有 ${n} 个错误（见右侧），文档暂用上一次正确的版本`,
  },
  en: {
    title: "Policy preview", files: "Files", documents: "Documents", newFile: "New file", client: "Client", deal: "Deal", create: "Create",
    save: "Save", history: "History", restore: "Restore this version", saved: "Saved", unsaved: "Unsaved changes", changedOnDisk: "Unsaved changes; this file was just changed elsewhere: saving will first show both versions", saving: "Saving…",
    conflictTitle: "The file was changed elsewhere", conflictText: "The file changed on disk after you started editing, so it was not saved. Both versions are below; nothing is lost.",
    mine: "Your version (not saved)", theirs: "The version on disk now", keepMine: "Save my version over it (the one on disk stays in the history)", takeTheirs: "Use the version on disk (mine stays in the history)",
    ok: "No problems", problems: (e, w) => `${e} error(s), ${w} warning(s)`, updating: "Updating the preview…", chooseFile: "← choose a file on the left to edit",
    broken: "The files have errors: below is the last good preview (greyed). It updates once they are fixed.", stale: "Making the new preview…", notYet: "Rendering…",
    failed: "Rendering failed: ", help: "At the cursor: ", allowed: "Allowed values: ", examples: "Examples: ", noHelp: "No help here", pages: "pages",
    folders: { rules: "Policy rules/", clients: "Clients clients/", deals: "Deals deals/" }, intro: "Company intro", quote: "Quote", appendix: "Contract appendix", brief: "Visit brief (internal)", handout: "Client handout",
    discard: "This file has unsaved changes. Discard them and open another file?",
    exists: "This file exists already", forClient: "Client: ", idRule: "The id is also the file name: lower-case letters, digits and - only, e.g. yunfan-tech; a deal: year-number-client-project, e.g. 2026-004-yunfan-catalogue", created: (n) => `Created: fill in the ${n} fields marked ★, then save (listed on the right while empty)`, notSaved: "Not saved: the file was changed elsewhere", hint: "hint: ", fromDisk: "found on disk", fromPage: "saved", fromUnsaved: "edit given up", current: " · current", changed: (c) => c.lines ? `${c.lines} line(s) changed, from line ${c.line}: ${c.text}` : "the same as the version before",
    differsNote: "The marked lines are where the two versions differ.", saveTip: "Save (Ctrl+S)", templates: "Templates (layout)",
    backToEdit: "Back to editing (not saved)", mergeHint: "Your changes are still in the editor, not saved. When you save again, the version on disk is shown beside yours again, and you choose.",
    reloaded: "Loaded the version saved elsewhere", kept: (n) => `Your edit was kept as version #${n} in the history`,
    offline: "Not saved: the preview server does not answer (stopped or restarted?). Your edit is still in the editor: copy it out, then open the new address salesdocs preview prints.",
    expired: "Not saved: this page's token has expired (the preview server restarted). Your edit is still in the editor: copy it out, then open the new address salesdocs preview prints.",
    disconnected: "Lost the connection to the preview server; reconnecting…", gone: "This file was deleted on disk. Create it again from the editor's text?",
    goneRules: "Not saved: this file was deleted on disk. Your edit is still in the editor: copy it out first.",
    discardRestore: (n) => `This file has unsaved changes. Discard them and restore #${n}?`, restored: (n) => `Restored #${n} (itself a new save)`,
    discardNew: "This file has unsaved changes. Discard them and create a new file?", savedWithErrors: (n) => `Saved, but this file has ${n} error(s) (see right); documents keep the last good version`,
  },
}[LANG];

const $ = (id) => document.getElementById(id);
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

let state = { revision: 0, problems: [], sources: [], documents: [], files: [] };
let chosenDoc = null;       // the document shown on the right
let file = null;            // { path, sha256 } of the file in the editor
let editor = null;
let marks = [];
let saving = false;         // a save is on its way (the event of its own write may come first)
let justSaved = false;      // the status line says "saved" (refined once the check of that save is in)
let generation = 0;         // bumped by every save and every load: a slower, older reload must not win

async function api(method, url, body, headers = {}) {
  return fetch(url, { method, body, headers, credentials: "same-origin" });
}

// ---------------------------------------------------------------- state and events
async function refresh() {
  const response = await api("GET", "/api/state");
  if (!response.ok) return;
  const next = await response.json();
  // events come fast on a save (the check, then each rendering) and their answers may overtake each
  // other: an older state must never replace a newer one
  if (next.revision < state.revision) return;
  state = next;
  if (!chosenDoc && state.documents.length) choose(state.documents[0].id);
  drawSidebar();
  drawProblems();
  markProblems();
  tellSavedState();
  showEditingStatus();
  await drawPreview();
  reloadIfClean();
}

// the policy first, then the clients and the deals; the templates (layout, for those who know HTML) last, under their own heading
const FILE_ORDER = ["rules/", "clients/", "deals/"];
const fileRank = (path) => { const i = FILE_ORDER.findIndex((folder) => path.startsWith(folder)); return i < 0 ? FILE_ORDER.length : i; };

// a file by its name under its folder's heading (the whole path in its tooltip and data-path)
function fileItem(f) {
  const name = f.path.slice(f.path.indexOf("/") + 1);
  const li = el("li", { className: file && file.path === f.path ? "chosen" : "", title: f.path }, el("span", { textContent: name }));
  if (f.errors) li.append(el("span", { className: "count errors", textContent: f.errors }));
  if (f.warnings) li.append(el("span", { className: "count warnings", textContent: f.warnings }));
  li.dataset.path = f.path;
  li.onclick = () => chooseFile(f.path);
  return li;
}

function drawSidebar() {
  const files = state.files.slice().sort((a, b) => fileRank(a.path) - fileRank(b.path) || (a.path < b.path ? -1 : 1));
  const data = files.filter((f) => fileRank(f.path) < FILE_ORDER.length);
  const templates = files.filter((f) => fileRank(f.path) === FILE_ORDER.length);
  $("files").replaceChildren(...data.flatMap((f, i) => {
    const folder = f.path.split("/")[0];
    const heading = i === 0 || data[i - 1].path.split("/")[0] !== folder ? [el("li", { className: "folder", textContent: T.folders[folder] })] : [];
    return [...heading, fileItem(f)];
  }));
  $("templates-heading").hidden = !templates.length;
  $("templates").replaceChildren(...templates.map(fileItem));
  // the documents under the deal or client they are for (the intro first, on its own)
  $("documents").replaceChildren(...state.documents.flatMap((d, i) => {
    const owner = d.deal || d.client || "";
    const before = i > 0 ? state.documents[i - 1].deal || state.documents[i - 1].client || "" : "";
    const heading = owner && owner !== before ? [el("li", { className: "folder", textContent: `${d.deal ? T.deal : T.client} ${owner}` })] : [];
    const li = el("li", { className: d.id === chosenDoc ? "chosen" : "", title: [T[d.kind], owner].filter(Boolean).join(" · ") }, el("span", { textContent: T[d.kind] }));
    li.dataset.document = d.id;
    li.onclick = () => choose(d.id);
    return [...heading, li];
  }));
  drawClientChoice(data.filter((f) => f.path.startsWith("clients/")).map((f) => f.path.slice(8).replace(/\.ya?ml$/, "")));
  const errors = state.problems.filter((p) => p.severity === "error").length;
  $("status").textContent = errors || state.problems.length ? T.problems(errors, state.problems.length - errors) : T.ok;
  $("status").className = errors ? "bad" : "";
}

function drawProblems() {
  $("problems").replaceChildren(...state.problems.map((p, i) => {
    const where = p.line ? `${p.file}:${p.line}:${p.column}` : p.file;
    const li = el("li", { className: `problem ${p.severity}` }, el("code", { textContent: where }), ` ${p.message}`);
    if (p.line && state.sources[i]) li.append(el("pre", { textContent: `${p.line} | ${state.sources[i]}` }));
    if (p.hint) li.append(el("div", { className: "hint", textContent: T.hint + p.hint }));
    Object.assign(li.dataset, { file: p.file, line: p.line });
    li.onclick = () => chooseFile(p.file, p.line, p.column);
    return li;
  }));
}

function choose(id) {
  chosenDoc = id;
  api("POST", `/api/documents/${encodeURIComponent(id)}/render`);
  drawSidebar();
  drawPreview();
}

async function drawPreview() {
  const doc = state.documents.find((d) => d.id === chosenDoc);
  const view = $("preview");
  if (!doc) return;
  const banner = $("banner");
  banner.hidden = !doc.stale && !doc.error;
  banner.textContent = doc.error ? T.failed + doc.error : doc.broken ? T.broken : doc.pages ? T.stale : T.notYet;
  const shown = `${doc.id}@${doc.revision}`;
  if (view.dataset.shown !== shown) {
    // every page at its own size at once (no jumps); shown as soon as page 1 is decoded, the server
    // answers the others as they are rasterised — never with a page of an older rendering
    const images = [];
    for (let n = 1; n <= doc.pages; n++) {
      const [width, height] = doc.sizes[n - 1];
      images.push(el("img", { src: `/api/documents/${encodeURIComponent(doc.id)}/pages/${n}.png?r=${doc.revision}`, alt: `${n}`, width, height }));
    }
    if (images.length) await images[0].decode().catch(() => null);
    if (chosenDoc !== doc.id || state.documents.find((d) => d.id === doc.id)?.revision !== doc.revision) return;  // superseded meanwhile
    view.replaceChildren(...images);
    Object.assign(view.dataset, { shown, document: doc.id, revision: doc.revision, inputsHash: doc.inputs_hash || "" });
  }
  view.dataset.stale = doc.stale;
  view.classList.toggle("stale", doc.stale);
}

// ---------------------------------------------------------------------- editor
function goToLine(line, column = 1) {
  const spot = { line: line - 1, ch: Math.max(0, column - 1) };
  editor.setCursor(spot);
  editor.scrollIntoView(spot, 120);
  editor.focus();
}

// What a click in the sidebar does: never drops unsaved edits without asking (a problem in the file
// being edited only moves the cursor, so the edits stay).
function chooseFile(path, line, column) {
  const dirty = file && editor && !editor.isClean();
  if (dirty && path === file.path) return line ? goToLine(line, column) : undefined;
  if (dirty && !window.confirm(T.discard)) return;
  return openFile(path, line, column);
}

window.addEventListener("beforeunload", (event) => {
  if (file && editor && !editor.isClean()) {
    event.preventDefault();
    event.returnValue = "";
  }
});

async function openFile(path, line, column) {
  const response = await api("GET", `/api/files/${path}`);
  if (!response.ok) return;
  const data = await response.json();
  generation++;
  file = { path, sha256: data.sha256 };
  $("file-name").textContent = path;
  $("save").disabled = $("show-history").disabled = false;
  $("history-panel").hidden = true;
  editor.setOption("mode", path.endsWith(".yaml") || path.endsWith(".yml") ? "yaml" : null);
  editor.setValue(data.text);
  editor.clearHistory();
  editor.markClean();
  markProblems();
  drawSidebar();
  if (line) goToLine(line, column);
  editor.focus();
  setSaveStatus("");
}

function markProblems() {
  if (!editor) return;
  marks.forEach((line) => editor.removeLineClass(line, "background"));
  editor.clearGutter("problems");
  marks = [];
  if (!file) return;
  for (const p of state.problems) {
    if (p.file !== file.path || !p.line || p.line > editor.lineCount()) continue;
    const line = editor.addLineClass(p.line - 1, "background", p.severity === "error" ? "problem-line" : "warning-line");
    editor.setGutterMarker(line, "problems", el("span", { className: `problem-mark ${p.severity}`, textContent: "●", title: p.message }));
    marks.push(line);
  }
}

// "Saved" is true, but a file saved with errors does not reach the documents: say so once the check of
// those very bytes is in (its event may arrive before or after the save's own reply)
function tellSavedState() {
  if (!file || !editor.isClean() || !justSaved) return;
  const checked = state.files.find((f) => f.path === file.path);
  if (!checked || checked.sha256 !== file.sha256) return;
  const errors = state.problems.filter((p) => p.file === file.path && p.severity === "error").length;
  setSaveStatus(errors ? T.savedWithErrors(errors) : T.saved, errors > 0);
}

// the file on disk is no longer the one the edit started from (someone saved it elsewhere); not while our own save is on its way
function changedOnDisk() {
  const onDisk = file && state.files.find((f) => f.path === file.path);
  return Boolean(onDisk && onDisk.sha256 && onDisk.sha256 !== file.sha256 && !saving && $("conflict").hidden);
}

// while the editor holds unsaved edits (not while saving or comparing): unsaved, and whether the disk moved on
function showEditingStatus() {
  if (!file || editor.isClean() || saving || !$("conflict").hidden) return;
  const moved = changedOnDisk();
  setSaveStatus(moved ? T.changedOnDisk : $("save-status").textContent === T.mergeHint ? T.mergeHint : T.unsaved, moved);
}

function setSaveStatus(text, bad = false) {
  justSaved = text === T.saved;
  $("save-status").textContent = text;
  $("save-status").className = bad ? "bad" : "";
}

async function save(baseSha) {
  if (!file) return;
  const text = editor.getValue();
  generation++;
  setSaveStatus(T.saving);
  saving = true;
  let response, data;
  try {
    response = await api("PUT", `/api/files/${file.path}`, text, { "If-Match": baseSha || file.sha256, "Content-Type": "text/plain; charset=utf-8" });
    data = await response.json().catch(() => ({}));
  } catch (error) {  // no answer at all: the server stopped
    return setSaveStatus(T.offline, true);
  } finally {
    saving = false;
  }
  generation++;
  if (response.status === 403 && !data.error) return setSaveStatus(T.expired, true);
  if (response.status === 404 && /^(clients|deals)\//.test(file.path)) {  // deleted meanwhile: offer to create it again
    if (!window.confirm(T.gone)) return setSaveStatus(T.goneRules, true);
    const made = await api("PUT", `/api/files/${file.path}`, text, { "If-None-Match": "*", "Content-Type": "text/plain; charset=utf-8" });
    if (!made.ok) return setSaveStatus(((await made.json().catch(() => ({}))).error) || made.statusText, true);
    file.sha256 = (await made.json()).sha256;
    editor.markClean();
    return setSaveStatus(T.saved);
  }
  if (response.status === 404) return setSaveStatus(T.goneRules, true);
  if (response.status === 200) {
    file.sha256 = data.sha256;
    editor.markClean();
    setSaveStatus(T.saved);
    tellSavedState();
  } else if (response.status === 412) {
    showConflict(text, data);
  } else {
    setSaveStatus(data.error || response.statusText, true);
  }
}

// The lines of `a` and of `b` that are not in their longest common subsequence (what differs).
function differingLines(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length, endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const midA = a.slice(start, endA), midB = b.slice(start, endB);
  const onlyA = new Set(), onlyB = new Set();
  if (midA.length * midB.length > 4e6) {  // too large to align: every line between the common ends differs
    midA.forEach((_, i) => onlyA.add(start + i));
    midB.forEach((_, j) => onlyB.add(start + j));
    return [onlyA, onlyB];
  }
  const width = midB.length + 1;
  const common = new Uint32Array((midA.length + 1) * width);  // common[i][j]: LCS of midA[i:] and midB[j:]
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      common[i * width + j] = midA[i] === midB[j] ? common[(i + 1) * width + j + 1] + 1 : Math.max(common[(i + 1) * width + j], common[i * width + j + 1]);
    }
  }
  let i = 0, j = 0;
  while (i < midA.length && j < midB.length) {
    if (midA[i] === midB[j]) { i++; j++; }
    else if (common[(i + 1) * width + j] >= common[i * width + j + 1]) onlyA.add(start + i++);
    else onlyB.add(start + j++);
  }
  for (; i < midA.length; i++) onlyA.add(start + i);
  for (; j < midB.length; j++) onlyB.add(start + j);
  return [onlyA, onlyB];
}

function showVersion(box, lines, differs) {
  box.replaceChildren(...lines.map((line, n) => {
    const div = el("div", { className: differs.has(n) ? "line differs" : "line", textContent: line });
    div.dataset.line = n + 1;
    return div;
  }));
}

function scrollToFirstDifference(box) {
  const first = box.querySelector(".differs");
  box.scrollTop = first ? Math.max(0, first.offsetTop - 3 * first.offsetHeight) : 0;
}

function showConflict(mine, theirs) {
  setSaveStatus(T.notSaved, true);
  const [mineLines, theirLines] = [mine, theirs.text].map((text) => text.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n"));
  const [onlyMine, onlyTheirs] = differingLines(mineLines, theirLines);
  showVersion($("mine"), mineLines, onlyMine);
  showVersion($("theirs"), theirLines, onlyTheirs);
  $("conflict").hidden = false;
  ["mine", "theirs"].forEach((id) => scrollToFirstDifference($(id)));  // laid out now: open at the first difference
  $("keep-mine").onclick = () => { $("conflict").hidden = true; save(theirs.sha256); };
  // keep the edit in the editor, unsaved; the next save compares again (never a silent overwrite)
  $("back-to-edit").onclick = () => {
    $("conflict").hidden = true;
    setSaveStatus(T.mergeHint, true);
    editor.focus();
  };
  // the disk's version in the editor; the edit given up is kept in the history first (nothing is lost)
  $("take-theirs").onclick = async () => {
    const kept = await api("POST", `/api/history/${file.path}`, mine, { "Content-Type": "text/plain; charset=utf-8" });
    if (!kept.ok) return setSaveStatus(((await kept.json().catch(() => ({}))).error) || kept.statusText, true);
    const { n } = await kept.json();
    $("conflict").hidden = true;
    generation++;
    file.sha256 = theirs.sha256;
    editor.setValue(theirs.text);
    editor.markClean();
    setSaveStatus(T.kept(n));
  };
}

async function reloadIfClean() {
  // a file changed on disk while the editor holds no edits of its own: show the new text
  if (!file || !editor.isClean() || !$("conflict").hidden) return;
  const onDisk = state.files.find((f) => f.path === file.path);
  if (onDisk && onDisk.sha256 === file.sha256) return;  // the check read the very text shown
  const asked = generation;
  const response = await api("GET", `/api/files/${file.path}`);
  if (!response.ok) return;
  const data = await response.json();
  if (asked === generation && data.sha256 !== file.sha256 && editor.isClean()) {
    generation++;
    const cursor = editor.getCursor();
    file.sha256 = data.sha256;
    editor.setValue(data.text);
    editor.markClean();
    editor.setCursor(cursor);
    markProblems();
    setSaveStatus(T.reloaded);
  }
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !$("conflict").hidden) $("back-to-edit").click();
});

async function showHistory() {
  const response = await api("GET", `/api/history/${file.path}`);
  const data = await response.json();
  $("versions").replaceChildren(...data.versions.slice().reverse().map((v) => {
    const button = el("button", { type: "button", textContent: T.restore });
    button.onclick = async () => {
      if (!editor.isClean() && !window.confirm(T.discardRestore(v.n))) return;
      const response = await api("POST", `/api/history/${file.path}/${v.n}/restore`);
      if (!response.ok) return setSaveStatus((await response.json()).error || response.statusText, true);
      await openFile(file.path);
      setSaveStatus(T.restored(v.n));
    };
    const current = v.sha256 === file.sha256 ? T.current : "";
    const li = el("li", {}, `#${v.n} ${v.saved_at} (${{ disk: T.fromDisk, unsaved: T.fromUnsaved }[v.source] || T.fromPage})${current} `, button);
    if (v.changes) li.append(el("div", { className: "change", textContent: T.changed(v.changes) }));
    li.dataset.n = v.n;
    return li;
  }));
  $("history-panel").hidden = false;
}

let helpTimer = null;
function helpSoon() {
  clearTimeout(helpTimer);
  helpTimer = setTimeout(async () => {
    if (!file) return;
    const line = editor.getCursor().line + 1;
    const response = await api("POST", `/api/help/${file.path}?line=${line}`, editor.getValue());
    if (!response.ok) return;
    const h = await response.json();
    const box = $("help");
    box.replaceChildren(el("div", {}, T.help, el("code", { textContent: h.path || "—" })));
    if (!h.known) return box.append(el("div", { textContent: T.noHelp }));
    box.append(el("div", { textContent: LANG === "en" ? h.en : h.zh }));
    if (LANG !== "en" && h.en) box.append(el("div", { className: "hint", textContent: h.en }));
    if (h.enum.length) box.append(el("div", { textContent: T.allowed + h.enum.join(LANG === "en" ? ", " : "、") }));
    if (h.examples.length) box.append(el("div", { textContent: T.examples + h.examples.join(LANG === "en" ? ", " : "、") }));
  }, 150);
}

// a new deal is for a client: the choice shows only for deals, and keeps what was chosen across redraws
function drawClientChoice(clients) {
  const select = $("new-client"), chosen = select.value;
  if (select.options.length !== clients.length || [...select.options].some((o, i) => o.value !== clients[i])) {
    select.replaceChildren(...clients.map((c) => el("option", { value: c, textContent: c })));
    if (clients.includes(chosen)) select.value = chosen;
  }
  $("new-client-row").hidden = $("new-kind").value !== "deals";
}

// a new file starts as `salesdocs new` drafts it (every field named, the ones to fill marked ★), never empty
async function createFile(event) {
  event.preventDefault();
  if (file && !editor.isClean() && !window.confirm(T.discardNew)) return;
  const kind = $("new-kind").value, name = $("new-name").value.trim();
  const query = kind === "deals" ? `?client=${encodeURIComponent($("new-client").value)}` : "";
  const drafted = await api("GET", `/api/scaffold/${kind}/${encodeURIComponent(name)}.yaml${query}`);
  const draft = await drafted.json();
  if (!drafted.ok) return setSaveStatus(draft.error, true);
  const response = await api("PUT", `/api/files/${draft.path}`, draft.text, { "If-None-Match": "*", "Content-Type": "text/plain; charset=utf-8" });
  if (response.status === 412) return setSaveStatus(T.exists, true);
  if (!response.ok) return setSaveStatus((await response.json()).error, true);
  $("new-name").value = "";
  await openFile(draft.path);
  setSaveStatus(T.created(draft.text.split("★ 必填").length - 1));
}

// ------------------------------------------------------------------------ start
window.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = T[node.dataset.t]; });
  document.querySelectorAll("[data-t-title]").forEach((node) => { node.title = T[node.dataset.tTitle]; });  // the browser shows it when the pattern refuses a name
  $("save").title = T.saveTip;
  $("save").append(" ", el("kbd", { textContent: "Ctrl+S" }));
  document.title = T.title;
  editor = CodeMirror($("editor"), { lineNumbers: true, lineWrapping: true, mode: "yaml", gutters: ["problems", "CodeMirror-linenumbers"], indentWithTabs: false, tabSize: 2,
    extraKeys: { "Ctrl-S": () => save(), "Cmd-S": () => save(), Tab: (cm) => cm.replaceSelection("  ") } });
  editor.setValue(T.chooseFile);
  editor.on("cursorActivity", helpSoon);
  editor.on("change", showEditingStatus);
  $("save").onclick = () => save();
  $("show-history").onclick = showHistory;
  $("new-file").onsubmit = createFile;
  $("new-kind").onchange = () => {
    const deals = $("new-kind").value === "deals";
    $("new-client-row").hidden = !deals;
    $("new-name").placeholder = deals ? "2026-004-yunfan-catalogue" : "yunfan-tech";
  };
  const events = new EventSource("/api/events");
  events.addEventListener("revision", refresh);
  // the server stopped or restarted: say so in the header until the stream is back
  events.onerror = () => { $("status").textContent = T.disconnected; $("status").className = "bad"; };
  events.onopen = () => refresh();
  refresh();
});
