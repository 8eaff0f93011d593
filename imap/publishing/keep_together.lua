-- The pandoc filter of the PDF editions (imap/publishing/editions.py): divisions and spans of the site's HTML are
-- taken apart (Typst cannot break a page inside a block made of them), except a division of class `imap-keep`
-- (a decision guide's numbered steps), which becomes a Typst block that no page break splits.
function Div(division)
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
