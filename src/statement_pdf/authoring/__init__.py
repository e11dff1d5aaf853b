"""For the people who write and translate statements, around the publishing pipeline.

    check         preflight: every problem of a statement at once, pages counted by laying out
    translations  which source text each translation was made from, and what changed since
    scaffold      a new statement folder from the commented templates in templates/new/
    importing     `import`: a Word, Markdown or plain-text statement as a statement folder
                  (sources: reading the file into pieces; placing: which piece goes where)
"""
