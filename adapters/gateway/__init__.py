"""The single-window exchange (单一窗口): XML files through OutBox and InBox folders.

``folders`` lays out the exchange directory, ``files`` writes atomically, ``naming``
gives every file a unique, traceable name, ``filedrop`` is the gateway the engine
submits through, and ``watcher`` reads the InBox and routes each receipt to its
document. What answers on the other side of the folders, the real single-window
client or ``adapters/simulator``, is invisible from here.
"""
