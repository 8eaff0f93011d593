-- The pandoc filter of the PDF editions (imap/publishing/editions.py): divisions and spans of the site's HTML are
-- taken apart, except an admonition, which becomes a framed Typst block (breakable, as a long vignette must be), and
-- a division of class `imap-keep` (a decision guide's numbered steps), which becomes a Typst block that no page
-- break splits.
function Div(division)
  -- An admonition (a warning, a vignette, "What to do"): a framed block, as on the site, that may run over pages.
  if division.classes:includes("admonition") then
    local blocks = { pandoc.RawBlock("typst", "#block(stroke: 0.6pt + luma(90), inset: 8pt, radius: 2pt, width: 100%)[") }
    for _, block in ipairs(division.content) do
      table.insert(blocks, block)
    end
    table.insert(blocks, pandoc.RawBlock("typst", "]"))
    return blocks
  end
  if division.classes:includes("imap-keep") then
    local blocks = { pandoc.RawBlock("typst", "#block(breakable: false)[") }
    for _, block in ipairs(division.content) do
      table.insert(blocks, block)
    end
    table.insert(blocks, pandoc.RawBlock("typst", "]"))
    return blocks
  end
  return division.content
end

function Span(span)
  return span.content
end
