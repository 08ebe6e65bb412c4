"""The customs simulator (海关模拟器): plays the single-window client and customs.

It sits on the far side of the exchange folders, exactly where the real client
sits in production: it reads the OutBox, answers each file with an import result
(CommonResponeMessage or DecImportResponse), then with the receipts customs would
send, in order, into the InBox. ``behaviour`` sets its rates and delays;
``office`` decides (pure, seeded); ``receipts`` builds the messages; ``state``
remembers the numbers it issued; ``service`` runs the loop.
"""
