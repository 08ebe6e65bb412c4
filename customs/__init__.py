"""Our record of the exchange with customs (与海关的报文往来).

Which documents we filed (``service.CustomsRecords``), every file we put in the
OutBox and every receipt that came back, routed to its document by the numbers
customs gives it. The folders themselves are ``adapters/gateway``; the routing
rules are pure functions in ``routing``.
"""
