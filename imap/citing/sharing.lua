-- Which references another reference's citation can change (engine.lua formats those with the style itself).

local function text(value)
  if value == nil then return "" end
  return pandoc.utils.stringify(value)
end

-- pandoc's citeproc gives APA's initials to a first author who shares a family name with another first author
-- anywhere in the manual (APA 8.20; the style's givenname-disambiguation-rule "primary-name-with-initials") in time
-- that grows much faster than the library (about 20 s for 1,000 references here). Whatever it adds to a citation
-- (initials, more names, a year letter) comes from references whose citations could read the same: they start with
-- the same family name, or with the same title, publisher or authority (a work without an author; a law, case or
-- standard, which APA cites by its title), or with nothing to cite them by (a given name only, a name or title of
-- punctuation only, a law without a title: citeproc compares only their dates). So the writer
-- groups the references by what their citations can start with, generously (any first name of any list of names,
-- and always the title), formats them all with the style's cheap rule ("by-cite": the same output for a reference
-- that shares with nobody), then only the groups of two or more with the style itself, whose output replaces the
-- first (the HTML of the second comes after; see pandoc_html.entries). A group is never split, so each is formatted
-- as in one run over everything (tests/test_citation_groups.py compares the two).
local ANONYMOUS = { "publisher", "authority", "container-title" }
-- Quotation marks, hyphens and dashes beyond ASCII (each several bytes in UTF-8, so not in a Lua character class).
local SEPARATORS = { "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2010}", "\u{2011}", "\u{2013}", "\u{2014}" }

-- The words of a name or title, lower-cased, split at spaces, punctuation, hyphens and apostrophes.
local function words_of(value)
  local lowered = pandoc.text.lower(text(value))
  for _, separator in ipairs(SEPARATORS) do
    lowered = lowered:gsub(separator, " ")
  end
  local words = {}
  for word in lowered:gmatch("[^%s%p]+") do words[#words + 1] = word end
  return words
end

-- The words of a person's family name, or of an organisation's name (none for a given name only, or "?").
local function name_words(person)
  return words_of(text(person.family) ~= "" and person.family or person.literal)
end

-- What a reference's citation can start with, as keys: `names` are certain (a family name's last word, since
-- citeproc takes a lower-case particle off a family name: "de Wit" is "Wit" after "de", and so are "d'Alembert" and
-- "al-Farabi"; a title's or publisher's words; "anonymous" for what has no words to cite it by: a name that is only
-- a given name or punctuation, a work without an author, a title without words); `maybe` are the first and last
-- words of a title or publisher, which join a family name only if a reference has one (a title that reads like a
-- name), so that titles ending alike do not all join.
local function citation_starts(ref)
  local names, maybe = pandoc.List {}, pandoc.List {}
  local function text_of(value)
    local words = words_of(value)
    if #words == 0 then return false end
    names:insert("text " .. table.concat(words, " "))
    maybe:insert("name " .. words[1])
    maybe:insert("name " .. words[#words])
    return true
  end
  if not text_of(ref.title) then -- a law, a case or a standard is cited by its title, whatever its author
    names:insert("anonymous")
  end
  text_of(ref["title-short"])
  for _, value in pairs(ref) do -- the first person of every list of names
    if type(value) == "table" and type(value[1]) == "table" then
      local words = name_words(value[1])
      names:insert(#words > 0 and "name " .. words[#words] or "anonymous")
    end
  end
  local author = type(ref.author) == "table" and type(ref.author[1]) == "table" and ref.author[1] or {}
  if #name_words(author) == 0 then -- cited by something other than its author
    names:insert("anonymous")
    for _, field in ipairs(ANONYMOUS) do text_of(ref[field]) end
  end
  return names, maybe
end

-- The references whose citations another reference can change, in their order, as whole groups.
local function sharing(refs)
  local parent, starts = {}, {}
  local function root(node)
    while parent[node] ~= node do
      parent[node] = parent[parent[node]]
      node = parent[node]
    end
    return node
  end
  local function join(node, key)
    parent[root(key)] = root(node)
  end
  for index, ref in ipairs(refs) do
    local names, maybe = citation_starts(ref)
    starts[index] = maybe
    parent["reference " .. index] = "reference " .. index
    for _, key in ipairs(names) do
      if parent[key] == nil then parent[key] = key end
      join("reference " .. index, key)
    end
  end
  for index, maybe in ipairs(starts) do
    for _, key in ipairs(maybe) do
      if parent[key] ~= nil then join("reference " .. index, key) end
    end
  end
  local size = {}
  for index in ipairs(refs) do
    local group = root("reference " .. index)
    size[group] = (size[group] or 0) + 1
  end
  local shared = pandoc.List {}
  for index, ref in ipairs(refs) do
    if size[root("reference " .. index)] > 1 then shared:insert(ref) end
  end
  return shared
end

return { sharing = sharing }
