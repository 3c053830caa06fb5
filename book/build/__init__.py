"""What only the build and the book's tooling use: chapters never import from here.

The Sphinx extension (sphinxext), notebook execution (execution) in warm kernels (warmkernel),
page extras (pages), the syllabus directive (teaching), the Vega loader (vega), the browser
(browser), the PDF (pdf), the bench (bench), the case scaffold (scaffold) and the command line
(cli). Editing a module here re-executes no notebook; editing one in `book/` outside this
folder re-executes every notebook.
"""
