-- The reference engine's one pandoc run (imap/citing/citeproc.py): a custom writer that takes the bibliography
-- pandoc has just read, and writes, as one JSON object,
--   read: the references as pandoc read them, before any change (pandoc's JSON; the agreement checks compare it
--         with what the checks read),
--   html: every reference formatted with one in-text citation each (labels and year letters for the whole manual;
--         the references another reference's citation can change come again after the others, see `sharing`),
--   csl:  the references as CSL-JSON.
-- Between reading and formatting it makes the fix-ups named in citeproc.py's docstring, where pandoc reads an entry
-- otherwise than APA 7 wants it printed: first those about what the reference is (the CSL-JSON is written then), then
-- those about how APA prints it (hyphenated initials, "No." before a report's number, a thesis's description), which
-- the published data does not carry. Decisions about what the contributor wrote (is this a DOI, an address) are
-- made in Python from the entry as the checks read it and come in the settings, as `hints`; this writer only
-- applies them and changes the structure pandoc read. Nothing here evaluates the bibliography's text.
--
-- Settings: JSON on standard input, read once pandoc has read the bibliography (citeproc.py works them out while
-- pandoc reads), with style (the CSL file), keys (the references to
-- format, in order), fix (false for CSL-JSON records that need no fix-ups), marker (what an "and others" becomes),
-- statuses (what a year may say instead of a year) and hints (per key; see fixups.hints). The field imap-cheap-style
-- names the style with a cheap rule for initials (citeproc.py's _cheap_style); without it, one formatting.

local stringify = pandoc.utils.stringify

-- The reading and printing of names (names.lua) and the groups of references whose citations can read alike
-- (sharing.lua), beside this file.
local HERE = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local names = dofile(pandoc.path.join { HERE, "names.lua" })
local sharing = dofile(pandoc.path.join { HERE, "sharing.lua" }).sharing
local text, trim, each_person = names.text, names.trim, names.each_person
local fix_name, print_name = names.fix_name, names.print_name
local protect_names, restore_names = names.protect_names, names.restore_names

local DOCTORAL = {
  ["phd thesis"] = true, ["phdthesis"] = true, ["doctoral thesis"] = true, ["doctoral dissertation"] = true,
  ["dissertation"] = true, ["phd"] = true, ["ph.d."] = true, ["ph. d."] = true, ["ph.d. thesis"] = true,
  ["ph.d. dissertation"] = true, ["phd dissertation"] = true, ["doctoral"] = true, ["doctorate"] = true,
  ["dphil"] = true, ["d.phil."] = true, ["dphil thesis"] = true, ["psyd"] = true, ["psy.d."] = true,
}
local MASTERS = {
  ["master's thesis"] = true, ["master\u{2019}s thesis"] = true, ["mastersthesis"] = true, ["masters thesis"] = true,
  ["master thesis"] = true, ["masters"] = true, ["master's"] = true, ["ma thesis"] = true, ["m.a. thesis"] = true,
  ["msc thesis"] = true, ["m.sc. thesis"] = true, ["ms thesis"] = true, ["m.s. thesis"] = true,
  ["master's dissertation"] = true,
}
local LOOSE = { webpage = true, document = true, [""] = true, manuscript = true }
local CHAPTERS = {
  chapter = true, ["paper-conference"] = true, ["entry-encyclopedia"] = true, ["entry-dictionary"] = true,
  entry = true,
}

-- APA 10.6: "[Doctoral dissertation, University]" when published (in a database or online), "[Unpublished
-- doctoral dissertation]" with the university after it when not.
local DEGREES_DOCTORAL = { phd = true, psyd = true, edd = true, dclinpsy = true, dphil = true, dpsych = true,
  dsw = true, drphil = true, dr = true, doctoral = true, doctorate = true }
local DEGREES_MASTERS = { ma = true, ms = true, msc = true, msw = true, mphil = true, mres = true, med = true,
  mba = true, mfa = true, masters = true, master = true }

-- The degree a thesis type names, its dots and spaces aside ("Ph.D.", "Psy.D. dissertation", "DClinPsy thesis").
local function degree(genre)
  local bare = genre:gsub("[%.%s']", ""):gsub("thesis$", ""):gsub("dissertation$", "")
  if DEGREES_DOCTORAL[bare] then return "doctoral dissertation" end
  if DEGREES_MASTERS[bare] then return "master's thesis" end
  return nil
end

local function fix_thesis(ref, hint)
  if hint.thesis_database ~= "" then -- ProQuest's export names the database as the publisher, beside the university
    ref.archive = hint.thesis_database
    ref.publisher = hint.thesis_school ~= "" and hint.thesis_school or nil
  end
  local genre = pandoc.text.lower(trim(text(ref.genre)))
  -- published in a database or online: an archive, a DOI, an address or a publication number (ProQuest's)
  local published = ref.archive ~= nil or ref.doi ~= nil or ref.url ~= nil or ref.number ~= nil
  local kind
  if DOCTORAL[genre] or genre == "" then
    kind = "doctoral dissertation"
  elseif MASTERS[genre] then
    kind = "master's thesis"
  else
    kind = degree(genre)
    if kind == nil then return end
  end
  ref.genre = published and (kind:sub(1, 1):upper() .. kind:sub(2)) or ("Unpublished " .. kind)
end

-- A report's number as APA 10.4 writes it, "(Working Paper No. WP-17)": in the description, where the style would
-- print it as a range or without "No.".
local function print_report_number(ref)
  if text(ref.type) == "report" and ref.number ~= nil then
    if trim(text(ref.genre)) == "" then ref.genre = "Report" end
    ref.number = "No. " .. trim(text(ref.number))
  end
end

-- APA sentence case capitalises the first word after an em dash that opens a subtitle (APA 6.17), as it does after
-- a colon; pandoc only after a colon.
local function capitalise_after_dash(title)
  return title:walk {
    Str = function(str)
      local changed = str.text:gsub("(\u{2014}%s?)(%l)", function(dash, letter) return dash .. letter:upper() end)
      if changed ~= str.text then return pandoc.Str(changed) end
    end,
  }
end

-- APA sentence case capitalises the first word of a subtitle (APA 6.17); pandoc leaves a one-word subtitle in lower
-- case ("PTSD: outcomes"). The word, when written in lower case, is capitalised and kept from the case change.
local function capitalise_after_colon(title, depth)
  local inlines = pandoc.Inlines(title)
  for i = 1, #inlines do -- a title braced whole (Web of Science, Mendeley) is a span kept as written: look inside
    if inlines[i].t == "Span" and (depth or 0) < 8 then
      inlines[i].content = capitalise_after_colon(inlines[i].content, (depth or 0) + 1)
    end
  end
  for i = 1, #inlines - 2 do
    local before, space, word = inlines[i], inlines[i + 1], inlines[i + 2]
    if before.t == "Str" and before.text:sub(-1) == ":" and space.t == "Space" and word.t == "Str"
        and word.text:find("^%l[%l%-']*[%p]*$") then
      local first = pandoc.text.sub(word.text, 1, 1)
      local rest = pandoc.text.sub(word.text, 2)
      inlines[i + 2] = pandoc.Span({ pandoc.Str(pandoc.text.upper(first) .. rest) }, pandoc.Attr("", { "nocase" }))
    end
  end
  return inlines
end

-- Text as written, kept from the style's change of case (a show, a site, a meeting).
local function as_written(value)
  return pandoc.Inlines { pandoc.Span(pandoc.Inlines(value), pandoc.Attr("", { "nocase" })) }
end

-- APA 10.13's podcast episode, "(No. 115) [Audio podcast episode]. In *Show*. Publisher.": CSL's broadcast, with the
-- show as its container, kept as written (bib.podcast; pandoc reads a series or maintitle in sentence case and
-- takes a maintitle for the title).
local function podcast(ref, show)
  if show == nil or show.field == nil then return end
  if show.field == "maintitle" and ref["volume-title"] ~= nil then
    ref.title = ref["volume-title"]
    ref["volume-title"] = nil
  elseif show.field == "series" then
    ref["collection-title"] = nil
  elseif show.field == "howpublished" then
    ref.publisher = nil -- pandoc reads a @misc's howpublished as its publisher
  end
  ref.type = "broadcast"
  ref["container-title"] = as_written(show.name)
  if ref.genre ~= nil and pandoc.text.lower(text(ref.genre)):find("podcast", 1, true) then ref.genre = nil end
  ref.medium = "Audio podcast episode"
end

-- pandoc adds a booksubtitle to the maintitle as well as to the booktitle ("Main: Sub: Vol. 2. Book: Sub"): the
-- maintitle (the container) without it, when it ends in the subtitle (bib.booksubtitle).
local function without_booksubtitle(container, subtitle)
  local inlines = pandoc.Inlines(container)
  local whole = stringify(inlines)
  local suffix = ": " .. subtitle
  if #whole <= #suffix or pandoc.text.lower(whole:sub(-#suffix)) ~= pandoc.text.lower(suffix) then return container end
  local kept, length, count = whole:sub(1, #whole - #suffix), 0, 0
  for index, inline in ipairs(inlines) do -- the inlines up to the colon, in one pass
    length = length + #stringify(inline)
    if length >= #kept + 1 then
      count = length == #kept + 1 and index or 0
      break
    end
  end
  local last = inlines[count]
  if last == nil or last.t ~= "Str" or last.text:sub(-1) ~= ":" then return container end
  local result = pandoc.Inlines {}
  for index = 1, count do result:insert(inlines[index]) end
  result[count] = pandoc.Str(last.text:sub(1, -2))
  return result
end

-- What the reference is, where pandoc reads it otherwise than written: also what the CSL-JSON download says.
local function fix_data(ref, hint, settings)
  if ref.doi ~= nil then
    ref.doi = hint.doi ~= "" and hint.doi or nil -- not a DOI: reported by bibrules (bib.doi)
  end
  if ref.url ~= nil then
    ref.url = hint.url ~= "" and hint.url or nil -- the DOI's own address (printed once, as the DOI) or not one
  end
  if hint.howpublished and ref.url == nil then
    ref.publisher = hint.publisher ~= "" and hint.publisher or nil -- \url in howpublished is no publisher
    if hint.howpublished_url ~= "" then ref.url = hint.howpublished_url end
  end
  each_person(ref, fix_name, settings.marker)
  if ref.issued ~= nil then
    local issued = pandoc.text.lower(trim(text(ref.issued)))
    for _, status in ipairs(settings.statuses) do
      if issued == status then
        ref.status = status -- "in press" is a status, not a missing date
        ref.issued = nil
        break
      end
    end
  end
  if hint.drop_genre then
    ref.genre = nil -- EndNote's "Journal Article": the kind of reference, not a description of the work (bib.type)
  elseif ref.genre ~= nil and text(ref.genre):find("[{}]") then
    ref.genre = (text(ref.genre):gsub("[{}]", "")) -- "Technical {Report}": braces are not part of the words
  end
  if hint.original_year ~= "" and ref["original-date"] == nil then
    ref["original-date"] = hint.original_year -- "Original work published 1890" in a note (a reprint, a translation)
  end
  if hint.pages ~= "" then
    ref.page = hint.pages -- "pp. 12-34": the style writes what the pages need (APA 9.25 and 10.3)
  end
  if hint.preprint_server ~= "" then -- a preprint server named as the journal (bioRxiv's own export)
    ref.type = "article"
    ref["container-title"] = nil
    if ref.genre == nil then ref.genre = "Preprint" end
    ref.publisher = hint.preprint_server
  end
  if text(ref.type) == "article-journal" and ref.number == nil then
    local number = hint.eid ~= "" and hint.eid or hint.article_number
    if number ~= "" then
      ref.number = number -- an article's number (APA 9.25: "Article e0123456"): BibLaTeX's eid, or in the pages
      if number == hint.article_number then ref.page = nil end
    end
  end
  if hint.package_version ~= "" then -- R's citation(): "(Version 2.3.3) [Computer software]" (APA 10.10)
    ref.version = hint.package_version
    ref.type = "software"
  end
  if hint.issue ~= "" and text(ref.type) == "article-journal" then
    ref.issue = hint.issue -- BibLaTeX's issue, which pandoc drops (alone) or joins to number (bib.issue)
  end
  if hint.booksubtitle ~= "" and ref["container-title"] ~= nil and ref["volume-title"] ~= nil then
    ref["container-title"] = without_booksubtitle(ref["container-title"], hint.booksubtitle)
  end
  if hint.revised_edition ~= "" then
    ref.edition = hint.revised_edition -- "5th, text rev." as APA writes the DSM's, "5th ed., text rev."
  elseif hint.edition == "1" then
    ref.edition = nil -- APA 9.20 names an edition only from the second on
  elseif hint.edition ~= "" then
    ref.edition = hint.edition -- "Second" and "2nd ed." as 2, which the style prints "2nd ed."
  end
  if hint.arxiv and hint.url == "" and ref.doi == nil then -- an arXiv preprint's address, from its identifier only
    ref.url = hint.eprint_url ~= "" and hint.eprint_url or nil
  elseif hint.eprint_url ~= "" and hint.url == "" and ref.doi == nil and ref.url == nil then
    ref.url = hint.eprint_url -- a work given by its identifier on OSF's servers, a handle or JSTOR (bib.eprint)
  end
  podcast(ref, hint.podcast_show)
  if hint.site ~= nil and hint.site ~= "" and LOOSE[text(ref.type)] then
    ref.type = "webpage" -- APA 10.16: "Title. Site. URL.", the site as written (Paperpile's @misc, bib.webpage)
    local authors = type(ref.author) == "table" and ref.author or {}
    local by_site = #authors == 1 and type(authors[1]) == "table" and text(authors[1].literal) == hint.site
    ref["container-title"] = not by_site and as_written(hint.site) or nil -- a site that is the author is not repeated
  end
  if ref.issued == nil and ref["event-date"] ~= nil and text(ref.type) == "speech" then
    ref.issued = ref["event-date"] -- APA 10.5: a presentation is dated by its meeting (once)
    ref["event-date"] = nil
  end
  local talk = hint.presentation
  if talk ~= nil and talk.field ~= nil then -- APA 10.5: "[Poster presentation]. Meeting, Place." (bib.presentation)
    ref.type = "speech"
    ref.genre = talk.description
    ref["event-title"] = as_written(talk.meeting)
    ref.event = nil
    if talk.field == "howpublished" then ref.publisher = nil end
  end
  if hint.prepublished or (hint.preprint_eprint and LOOSE[text(ref.type)]) then
    ref.type = "article" -- APA 10.8: a preprint, "[Preprint]. Server." (CSL's article)
    if ref.genre == nil then ref.genre = "Preprint" end
    if hint.server ~= "" and ref.publisher == nil then ref.publisher = hint.server end
  end
end

-- A translated title given in titleaddon in brackets follows the title with no full stop between (APA 9.38):
-- "L'automatisme psychologique [Psychological automatism]".
local function join_bracketed(title)
  local inlines = pandoc.Inlines(title)
  for i = 1, #inlines - 2 do
    local before, space, after = inlines[i], inlines[i + 1], inlines[i + 2]
    if before.t == "Str" and before.text:sub(-1) == "." and space.t == "Space" and after.t == "Str"
        and after.text:sub(1, 1) == "[" then
      inlines[i] = pandoc.Str(before.text:sub(1, -2))
      return inlines
    end
  end
  return title
end

-- How APA 7 prints the reference, where the style prints it otherwise: only for the formatted reference.
local function fix_display(ref, hint)
  if hint.bracketed_addon and ref.title ~= nil then ref.title = join_bracketed(ref.title) end
  each_person(ref, print_name)
  if text(ref.type) == "thesis" then fix_thesis(ref, hint) end
  print_report_number(ref)
  if ref.title ~= nil and hint.dash then
    ref.title = capitalise_after_dash(pandoc.Inlines(ref.title))
  end
  if ref.title ~= nil and hint.colon then
    local language = pandoc.text.lower(text(ref.language))
    if language == "" or language:sub(1, 2) == "en" then ref.title = capitalise_after_colon(ref.title) end
  end
  local authors = type(ref.author) == "table" and ref.author or {}
  local publisher = text(ref.publisher)
  if publisher ~= "" and #authors == 1 and type(authors[1]) == "table" and text(authors[1].literal) == publisher then
    ref.publisher = nil -- APA 9.29: a publisher that is the author is not repeated
  end
  if hint.eventtitle ~= "" then -- the name of a meeting, as written (pandoc reads it in sentence case)
    for _, name in ipairs { "event", "event-title" } do
      if ref[name] ~= nil then
        ref[name] = as_written(hint.eventtitle)
      end
    end
  end
  if text(ref.type) == "paper-conference" and ref["container-title"] ~= nil then
    ref.type = "chapter" -- APA 10.5: a paper in published proceedings is a chapter of a book, cited without its meeting
    for _, name in ipairs { "event", "event-title", "event-place", "event-date" } do ref[name] = nil end
  end
  if CHAPTERS[text(ref.type)] and hint.eid ~= "" and ref.number == nil and ref.page == nil then
    ref.number = "Article " .. hint.eid -- a paper's article number (ACM's articleno), where a chapter's pages go
  end
  for _, name in ipairs(text(ref.type) == "legislation" and { "version", "number" } or { "version" }) do
    if ref[name] ~= nil and text(ref[name]):find("%d%-%d") then -- "0.6-15", "Pub. L. No. 102-585": one, not a range
      ref[name] = (text(ref[name]):gsub("(%d)%-(%d)", "%1\u{2011}%2"))
    end
  end
  if text(ref.type) == "pamphlet" and ref.genre == nil then
    ref.genre = "Brochure" -- APA 10.2: a booklet is a brochure
  end
end

-- A chapter whose crossref parent is a book takes the book's title as its container.
local function contain(ref, hint, by_key)
  local parent = hint.crossref ~= "" and by_key[hint.crossref] or nil
  if parent ~= nil and CHAPTERS[text(ref.type)] and ref["container-title"] == nil and parent.title ~= nil then
    ref["container-title"] = parent.title
  end
end

local function settings_of()
  local settings = io.read("a")
  assert(settings and settings ~= "", "the reference engine's settings could not be read")
  return pandoc.json.decode(settings, false)
end



local function formatted(refs, style, protected, prefix)
  local blocks = pandoc.Blocks {}
  for _, ref in ipairs(refs) do
    local key = text(ref.id)
    blocks:insert(pandoc.Para { pandoc.Cite({ pandoc.Str(key) }, { pandoc.Citation(key, "NormalCitation") }) })
  end
  local cited = pandoc.utils.citeproc(pandoc.Pandoc(blocks, { references = refs, csl = style }))
  return pandoc.write(restore_names(cited, protected, prefix), "html", { wrap_text = "none" })
end

function Writer(doc, opts)
  local settings = settings_of()
  local references = doc.meta.references or pandoc.List {}
  local read = settings.fix and pandoc.write(pandoc.Pandoc({}, { references = references }), "json") or "{}"
  local by_key, wanted, order = {}, {}, {}
  for _, key in ipairs(settings.keys) do wanted[key] = true end
  for _, ref in ipairs(references) do -- a key read twice: the last entry, at the place of the first
    local key = text(ref.id)
    if by_key[key] == nil then order[#order + 1] = key end
    by_key[key] = ref
  end
  local kept = pandoc.List {}
  for _, key in ipairs(order) do
    if wanted[key] then kept:insert(by_key[key]) end
  end
  if settings.fix then
    for _, ref in ipairs(kept) do fix_data(ref, settings.hints[text(ref.id)], settings) end
    for _, ref in ipairs(kept) do contain(ref, settings.hints[text(ref.id)], by_key) end
  end
  local csl = pandoc.write(pandoc.Pandoc({}, { references = kept }), "csljson") -- the data, before the printing
  if settings.fix then
    for _, ref in ipairs(kept) do fix_display(ref, settings.hints[text(ref.id)]) end
  end
  local prefix = settings.placeholder
  local protected = settings.fix and protect_names(kept, prefix) or {}
  local html
  local cheap = text(doc.meta["imap-cheap-style"])
  if cheap == "" then
    html = formatted(kept, settings.style, protected, prefix)
  else
    local shared = sharing(kept)
    if #shared * 4 > #kept * 3 then -- nearly all references share: once with the style costs less than twice
      html = formatted(kept, settings.style, protected, prefix)
    else
      html = formatted(kept, cheap, protected, prefix)
        .. (#shared > 0 and formatted(shared, settings.style, protected, prefix) or "")
    end
  end
  return pandoc.json.encode { read = read, html = html, csl = csl }
end
