<p>
  <strong>The whole manual on one page</strong>, in the manual's order, for printing or saving as PDF
  (use your browser's print command and choose "Save as PDF"). Links inside the manual lead to places on this page.
  MDMA-assisted therapy is investigational in most jurisdictions.
</p>
