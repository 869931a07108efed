# Sends WM_DELETE_WINDOW to every top-level window whose name contains
# argv[1], as a window manager's close button would. Xvfb runs no window
# manager, so the end-to-end test closes the app window this way. Standard
# library only (ctypes and the X11 client library Xvfb brings).
import ctypes, ctypes.util, sys
X = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11"))
X.XOpenDisplay.restype = ctypes.c_void_p
X.XDefaultRootWindow.restype = ctypes.c_ulong
X.XInternAtom.restype = ctypes.c_ulong
d = X.XOpenDisplay(None)
root = X.XDefaultRootWindow(ctypes.c_void_p(d))
class XClientMessageEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]
class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", ctypes.c_long * 24)]
root_ret = ctypes.c_ulong(); parent = ctypes.c_ulong(); children = ctypes.POINTER(ctypes.c_ulong)(); n = ctypes.c_uint()
X.XQueryTree(ctypes.c_void_p(d), root, ctypes.byref(root_ret), ctypes.byref(parent), ctypes.byref(children), ctypes.byref(n))
protocols = X.XInternAtom(ctypes.c_void_p(d), b"WM_PROTOCOLS", 0)
delete = X.XInternAtom(ctypes.c_void_p(d), b"WM_DELETE_WINDOW", 0)
sent = 0
for i in range(n.value):
    w = children[i]
    name = ctypes.c_char_p()
    if X.XFetchName(ctypes.c_void_p(d), ctypes.c_ulong(w), ctypes.byref(name)) and name.value and sys.argv[1].encode() in name.value:
        ev = XEvent()
        ev.xclient.type = 33  # ClientMessage
        ev.xclient.window = w
        ev.xclient.message_type = protocols
        ev.xclient.format = 32
        ev.xclient.l[0] = delete
        X.XSendEvent(ctypes.c_void_p(d), ctypes.c_ulong(w), 0, 0, ctypes.byref(ev))
        sent += 1
X.XFlush(ctypes.c_void_p(d))
print("sent", sent)
