"""The practice page: a student fills in the blank worksheet in the browser and sees each
quantity graded as it is typed (the checker's verdicts, error carried forward, diagnoses).

catalog.py finds the problems, sheet.py reads the page's content from the trace, page.py
fills the HTML templates, grading.py turns request bodies into the checker's reports,
app.py is the (stateless) Flask app, serve.py runs it; static/ holds the page's script and
style and the vendored KaTeX.  Flask is imported only here, never by the rest of trace-net.
"""
