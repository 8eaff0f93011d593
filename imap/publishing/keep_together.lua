-- The pandoc filter of the PDF editions (imap/publishing/editions.py): divisions and spans of the site's HTML are
-- taken apart, except an admonition, which becomes a framed Typst block (breakable, as a long vignette must be), and
-- a division of class `imap-keep` (a decision guide's numbered steps), which becomes a Typst block that no page
-- break splits.
local FRAMED = "#block(stroke: 0.6pt + luma(90), inset: 8pt, radius: 2pt, width: 100%)["
local UNBROKEN = "#block(breakable: false)["

-- The division's blocks inside a Typst block opened by `opening`.
local function inside(opening, division)
  local blocks = { pandoc.RawBlock("typst", opening) }
  for _, block in ipairs(division.content) do
    table.insert(blocks, block)
  end
  table.insert(blocks, pandoc.RawBlock("typst", "]"))
  return blocks
end

function Div(division)
  if division.classes:includes("admonition") then
    return inside(FRAMED, division)
  end
  if division.classes:includes("imap-keep") then
    return inside(UNBROKEN, division)
  end
  return division.content
end

function Span(span)
  return span.content
end
