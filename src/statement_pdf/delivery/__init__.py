"""Stage 6: deliver the letters — signed, by e-mail, and never twice.

    sign     who signs and what (build --sign); keys: loading the key and certificate
    pades    how: PAdES signatures with pyHanko, appended to the finished PDF
    verify   reading signatures back: signer, time, intact, whole file, trusted (inspect)
    message  the e-mail of one letter: cover note in the letter's language, PDF attached
    smtp     the SMTP settings (config file, environment) and the connection
    outbox   OUT/<id>/outbox.json: what went to whom, so that nothing is sent twice
    send     what is due, what refuses to go, and sending it one message at a time
"""
