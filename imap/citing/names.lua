-- Names as the reference engine (engine.lua) reads and prints them: particles, hyphenated initials, nicknames,
-- and names in Chinese, Japanese or Korean script, which citeproc would give initials.

local stringify = pandoc.utils.stringify
local ROLES = { "author", "editor", "translator", "container-author", "collection-editor" }

local function text(value)
  if value == nil then return "" end
  return stringify(value)
end

-- Without the spaces around it; in linear time (a pattern such as "%s+$" is not, over a long run of spaces).
local function trim(s)
  local first = s:find("%S")
  if first == nil then return "" end
  return s:sub(first, #s - s:reverse():find("%S") + 1)
end

-- A lower-case letter, in any script (the first letter of a name particle: de, van, d').
local function is_lower(char)
  return char ~= "" and pandoc.text.lower(char) == char and pandoc.text.upper(char) ~= char
end

-- "Hyun-nie": the style drops the lower-case part of a hyphenated given name; APA keeps it, "H.-n.".
local LOWER_AFTER_HYPHEN = "[%w\128-\255]%-%l"

local function initials(word)
  if not word:find(LOWER_AFTER_HYPHEN) then return word end
  local parts = {}
  for part in (word .. "-"):gmatch("(.-)%-") do
    parts[#parts + 1] = pandoc.text.sub(part, 1, 1) .. "."
  end
  return table.concat(parts, "-")
end

-- A nickname in quotes, as DBLP writes it ("Florian 'Floyd' Mueller"): one word between quotation marks.
local QUOTES = { "'", '"', "`", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}" }

local function quoted_word(word)
  if word == "" or word:find("%s") then return false end
  local opens, closes = false, false
  for _, quote in ipairs(QUOTES) do
    if word:sub(1, #quote) == quote then opens = true end
    if #word > #quote and word:sub(-#quote) == quote then closes = true end
  end
  return opens and closes
end

local function without_nickname(person)
  for _, part in ipairs({ "dropping-particle", "non-dropping-particle" }) do
    if person[part] ~= nil and quoted_word(trim(text(person[part]))) then person[part] = nil end
  end
  if person.given ~= nil then
    local words, dropped = {}, false
    for word in text(person.given):gmatch("%S+") do
      if quoted_word(word) then dropped = true else words[#words + 1] = word end
    end
    if dropped then person.given = table.concat(words, " ") end
  end
end

-- What a name is: a lower-case particle stays in front of the family name; "others" marks an incomplete list; a
-- nickname in quotes is left out (bibrules notes it).
local function fix_name(person, marker)
  without_nickname(person)
  local particle = person["dropping-particle"]
  if particle ~= nil and is_lower(pandoc.text.sub(text(particle), 1, 1)) then
    person["non-dropping-particle"] = particle -- de Wit, H. (APA 9.8), not Wit, H. de
    person["dropping-particle"] = nil
  elseif particle ~= nil and person.given == nil then
    person.given = particle -- "{\'E}mile Durkheim": pandoc takes the braced capital for a particle; BibTeX, a name
    person["dropping-particle"] = nil
  end
  if pandoc.text.lower(text(person.literal)) == "others" then
    person.literal = marker
  end
end

-- How APA prints a name: "Hyun-nie" as "H.-n." (the style drops the lower-case part of a hyphenated given name).
local function print_name(person)
  local given = text(person.given)
  if given:find("^%u%u%u?$") then -- "Friedman, MJ" (Web of Science): initials written together, "M. J."
    person.given = given:gsub("(%u)", "%1. "):sub(1, -2)
    return
  end
  if given:find(LOWER_AFTER_HYPHEN) then
    local words = {}
    for word in given:gmatch("%S+") do words[#words + 1] = initials(word) end
    person.given = table.concat(words, " ")
  end
end

-- A name in a script citeproc does not romanise (Chinese, Japanese, Korean: no letter of the ranges citeproc's
-- isByzantineChar lists) is printed family name first, without a space, and, as CSL and citeproc-js intend, not
-- initialised; pandoc's citeproc gives such a given name the initials' full stop ("山田太郎., & 鈴木花子."). So, for
-- the formatting only, the given name is a placeholder of lower-case letters, which citeproc leaves whole, and the
-- name is written back into the formatted text (`restore_names`). Code points are compared, no pattern is built.
local BYZANTINE = {
  { 0x2D, 0x2D }, { 0x30, 0x39 }, { 0x41, 0x5A }, { 0x61, 0x7A }, { 0x0E01, 0x0E5B }, { 0x00C0, 0x017F },
  { 0x0370, 0x03FF }, { 0x0400, 0x052F }, { 0x0590, 0x05D4 }, { 0x05D6, 0x05FF }, { 0x1F00, 0x1FFF },
  { 0x0600, 0x06FF }, { 0x200C, 0x200E }, { 0x2018, 0x2019 }, { 0x021A, 0x021B }, { 0x202A, 0x202E },
}

local function romanised(value)
  if not value:find("[\128-\255]") then return true end -- ASCII only: no code point needs looking at
  for _, code in utf8.codes(value) do
    for _, range in ipairs(BYZANTINE) do
      if code >= range[1] and code <= range[2] then return true end
    end
  end
  return false
end

local function unromanised(person)
  local family = text(person.family)
  if family == "" or romanised(family) then return false end
  local given = text(person.given)
  return given ~= "" and not romanised(given)
end

local function placeholder(index)
  local letters = {}
  for _ = 1, 4 do
    letters[#letters + 1] = string.char(97 + index % 26)
    index = index // 26
  end
  return table.concat(letters)
end

local function each_person(ref, action, ...)
  for _, role in ipairs(ROLES) do
    if type(ref[role]) == "table" then
      for _, person in ipairs(ref[role]) do
        if type(person) == "table" then action(person, ...) end
      end
    end
  end
end

-- The given names of unromanised names replaced by placeholders, numbered in the order of the names (so that
-- citeproc sorts two such authors of one family as it would the names): placeholder code -> given name.
local function protect_names(refs, prefix)
  local names, seen, people = {}, {}, {}
  local function collect(person)
    if person.given == nil or person.family == nil then return end
    if unromanised(person) then
      local given = text(person.given)
      people[#people + 1] = { person, given }
      if not seen[given] then
        seen[given] = true
        names[#names + 1] = given
      end
    end
  end
  for _, ref in ipairs(refs) do each_person(ref, collect) end
  if #names == 0 then return {} end
  table.sort(names)
  local codes, protected = {}, {}
  for index, given in ipairs(names) do
    if index > 26 ^ 4 then break end
    codes[given] = placeholder(index - 1)
    protected[codes[given]] = given
  end
  for _, found in ipairs(people) do
    local code = codes[found[2]]
    if code ~= nil then found[1].given = prefix .. code end
  end
  return protected
end

-- The formatted text with each placeholder of `protect_names` back as the given name it stands for.
local function restore_names(doc, protected, prefix)
  if next(protected) == nil then return doc end
  return doc:walk {
    Str = function(str)
      if not str.text:find(prefix, 1, true) then return nil end
      local parts, position = {}, 1
      while true do
        local first, last = str.text:find(prefix, position, true)
        if first == nil then break end
        local code = str.text:sub(last + 1, last + 4)
        parts[#parts + 1] = str.text:sub(position, first - 1) .. (protected[code] or (prefix .. code))
        position = last + 5
      end
      parts[#parts + 1] = str.text:sub(position)
      return pandoc.Str(table.concat(parts))
    end,
  }
end

return {
  text = text, trim = trim, each_person = each_person, fix_name = fix_name, print_name = print_name,
  protect_names = protect_names, restore_names = restore_names,
}
