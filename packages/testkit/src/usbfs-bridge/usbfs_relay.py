#!/usr/bin/python3
"""Thin usbfs ioctl relay for OpenWIA's umockdev bridge (see README "usbfs bridge").

Owns a umockdev testbed and answers the usbfs ioctls libusb issues on its
device nodes. It keeps no device logic: every URB is forwarded to the Node
side (JSON lines on stdout) and completed when the Node side answers (JSON
lines on stdin). Claim/release/set-configuration/clear-halt/reset are
answered at once (libusb calls them synchronously on Node's main thread, so
waiting for Node here would deadlock) and reported to Node as notices.

The device node is a FIFO kept full (not writable) while no URB is reapable,
so libusb's poll() for POLLOUT blocks as it does on a real usbfs node.

Two threads touch the relay's state: umockdev calls the ioctl handlers on its
testbed worker thread, while Node's answers arrive on this process's main loop.
Every entry point takes STATE, so "no URB reapable → fill the FIFO" and
"URB finished → drain the FIFO" can never interleave. Without it a completion
landing between a REAPURBNDELAY's empty check and its fill() left the FIFO full
with a URB reapable: libusb's poll() never woke and the transfer hung.
"""
import base64
import errno
import fcntl
import json
import os
import struct
import sys
import threading

import gi

gi.require_version('UMockdev', '1.0')
from gi.repository import GLib, UMockdev  # noqa: E402

# The relay's other module sits beside it; no __pycache__ in the package (it may be read-only, and it is shipped).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from usbfs_interfaces import KernelDrivers  # noqa: E402

STATE = threading.RLock()


def _ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (ord('U') << 8) | nr


PTR = struct.calcsize('P')
URB_SIZE = 56 if PTR == 8 else 44
# struct usbdevfs_urb: type, endpoint, status, flags, buffer*, buffer_length, actual_length, ...
BUFFER_OFFSET = 16 if PTR == 8 else 12
LENGTH_OFFSET = BUFFER_OFFSET + PTR
ACTUAL_OFFSET = LENGTH_OFFSET + 4
IOC = {
    'SETINTERFACE': _ioc(2, 4, 8),
    'SETCONFIGURATION': _ioc(2, 5, 4),
    'GETDRIVER': _ioc(1, 8, 260),
    'SUBMITURB': _ioc(2, 10, URB_SIZE),
    'DISCARDURB': _ioc(0, 11, 0),
    'REAPURB': _ioc(1, 12, PTR),
    'REAPURBNDELAY': _ioc(1, 13, PTR),
    'CLAIMINTERFACE': _ioc(2, 15, 4),
    'RELEASEINTERFACE': _ioc(2, 16, 4),
    'IOCTL': _ioc(3, 18, 16 if PTR == 8 else 12),
    'RESET': _ioc(0, 20, 0),
    'CLEAR_HALT': _ioc(2, 21, 4),
    'GET_CAPABILITIES': _ioc(2, 26, 4),
    'DISCONNECT_CLAIM': _ioc(2, 27, 264),
    'GET_SPEED': _ioc(0, 31, 0),
}
NAMES = {v: k for k, v in IOC.items()}
# BULK_CONTINUATION | NO_PACKET_SIZE_LIM | REAP_AFTER_DISCONNECT | ZERO_PACKET
CAPABILITIES = 0x02 | 0x04 | 0x10 | 0x08
# How often the relay looks for usbfs files closed while nothing else happens on the device.
SWEEP_INTERVAL_MS = 50
NOTICES = {'SETINTERFACE', 'SETCONFIGURATION', 'CLEAR_HALT', 'RESET'}


class Output:
    """Non-blocking stdout. A blocking write could deadlock: Node's main thread may sit in a
    synchronous usbfs ioctl (libusb submits from it) that only this process can answer, while
    the pipe to Node is full because that same thread is not reading it."""

    def __init__(self):
        self.fd = sys.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.queued = b''
        self.watching = False

    def send(self, message):
        with STATE:
            self.queued += (json.dumps(message) + '\n').encode()
            self.flush()

    def flush(self, *_args):
        with STATE:
            self.flush_locked()
        return False

    def flush_locked(self):
        try:
            while self.queued:
                written = os.write(self.fd, self.queued)
                self.queued = self.queued[written:]
        except BlockingIOError:
            pass
        if self.queued and not self.watching:
            self.watching = True
            GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, self.fd, GLib.IOCondition.OUT, self.writable)

    def writable(self, *_args):
        with STATE:
            self.watching = False
            self.flush_locked()
        return False


output = Output()


def send(message):
    output.send(message)


class Urb:
    def __init__(self, urb_id, client, data, buffer_data, header):
        self.id = urb_id
        # The usbfs file (umockdev client) that submitted it: only that file may reap or discard it.
        self.client = client
        self.data = data
        self.buffer_data = buffer_data
        self.header = header


class Device(KernelDrivers):
    """One emulated usbfs node: URBs in flight, reapable URBs, the poll FIFO.

    As in the kernel, URBs belong to the usbfs file that submitted them (here: the umockdev client, one per
    open()): a file reaps and discards only its own, and closing it kills its URBs in flight and drops its
    completed ones unreaped. Without that, a program that exited with cancelled URBs not yet reaped (libusb_close
    does that) left them reapable, and the next program's REAPURB was handed a URB of the dead one: umockdev
    then wrote into a closed connection and never answered, and that program hung."""

    def __init__(self, relay, key):
        self.handler = UMockdev.IoctlBase()
        self.handler.connect('handle-ioctl', self.handle_ioctl)
        self.handler.connect('client-connected', self.opened)
        # Open clients, kept referenced so that each keeps one Python wrapper (URBs compare clients by identity).
        self.clients = set()
        self.relay = relay
        self.key = key
        self.pending = {}
        self.reapable = []
        self.gone = False
        self.fifo = None
        self.init_drivers({})

    @staticmethod
    def notify(message):
        send(message)

    def open_fifo(self, path):
        self.fifo = os.open(path, os.O_RDWR | os.O_NONBLOCK)
        self.fill()

    def opened(self, _handler, client):
        with STATE:
            self.clients.add(client)
            send({'op': 'notice', 'key': self.key, 'what': 'OPEN', 'value': len(self.clients)})

    def sweep(self):
        """Closes the usbfs files whose program closed them or died. umockdev 0.17 emits neither
        'client-vanished' nor 'notify::connected' for them, but their 'connected' turns false; the relay looks
        on a timer (Relay.sweep), and at once when a program polls for URBs and finds only others' (reap)."""
        for client in [client for client in self.clients if not client.get_connected()]:
            self.clients.discard(client)
            self.forget(client)
            send({'op': 'notice', 'key': self.key, 'what': 'CLOSE', 'value': len(self.clients)})

    def forget(self, client):
        """A usbfs file closed: its URBs in flight are killed (the Node side aborts them; their late answers are
        ignored) and its completed ones are dropped unreaped."""
        for urb in [urb for urb in self.pending.values() if urb.client is client]:
            del self.pending[urb.id]
            self.relay.urbs.pop(urb.id, None)
            send({'op': 'discard', 'key': self.key, 'urb': urb.id})
        self.reapable = [urb for urb in self.reapable if urb.client is not client]
        if not self.reapable:
            self.fill()

    def fill(self):
        try:
            while True:
                os.write(self.fifo, b'\0' * 4096)
        except BlockingIOError:
            pass

    def drain(self):
        try:
            while os.read(self.fifo, 65536):
                pass
        except BlockingIOError:
            pass

    def handle_ioctl(self, _handler, client):
        name = NAMES.get(client.get_request())
        try:
            with STATE:
                return self.dispatch(name, client)
        except Exception as err:  # a relay bug must not hang libusb: fail the ioctl
            sys.stderr.write('usbfs relay: %s failed: %r\n' % (name, err))
            client.complete(-1, errno.EIO)
            return True

    def dispatch(self, name, client):
        arg = client.get_arg()
        if name is None:
            client.complete(-1, errno.ENOTTY)
        elif name == 'REAPURB' or name == 'REAPURBNDELAY':
            self.reap(client, arg)
        elif self.gone:
            client.complete(-1, errno.ENODEV)
        elif name == 'SUBMITURB':
            self.submit(client, arg)
        elif name == 'DISCARDURB':
            self.discard(client, arg)
        elif name == 'GET_CAPABILITIES':
            arg.resolve(0, 4).update(0, struct.pack('I', CAPABILITIES))
            client.complete(0, 0)
        elif name == 'GETDRIVER':
            self.get_driver(client, arg)
        elif name == 'IOCTL':
            self.driver_ioctl(client, arg)
        elif name == 'CLAIMINTERFACE':
            self.claim(client, *self.u32s(arg, 4, 1), None)
        elif name == 'DISCONNECT_CLAIM':
            interface, flags = self.u32s(arg, 264, 2)
            self.claim(client, interface, (flags, self.cstring(arg, 264, 8)))
        elif name == 'RELEASEINTERFACE':
            self.release(client, *self.u32s(arg, 4, 1))
        elif name in NOTICES:
            value = 0 if name == 'RESET' else self.u32s(arg, 4, 1)[0]
            send({'op': 'notice', 'key': self.key, 'what': name, 'value': value})
            client.complete(0, 0)
        else:
            client.complete(-1, errno.ENOTTY)
        return True

    def submit(self, client, arg):
        data = arg.resolve(0, URB_SIZE)
        raw = bytes(data.retrieve())
        urb_type, endpoint, _status, _flags = struct.unpack_from('BBxxiI', raw, 0)
        length = struct.unpack_from('i', raw, LENGTH_OFFSET)[0]
        buffer_data = data.resolve(BUFFER_OFFSET, length) if length > 0 else None
        urb_id = self.relay.next_id()
        out = b''
        if buffer_data is not None and (urb_type == 2 or not endpoint & 0x80):
            out = bytes(buffer_data.retrieve())
        self.pending[urb_id] = Urb(urb_id, client, data, buffer_data, raw)
        self.relay.urbs[urb_id] = self
        client.complete(0, 0)
        send({'op': 'submit', 'key': self.key, 'urb': urb_id, 'type': urb_type, 'ep': endpoint, 'len': length,
              'data': base64.b64encode(out).decode()})

    def discard(self, client, arg):
        address = struct.unpack_from('P', bytes(arg.retrieve()))[0]
        for urb in self.pending.values():
            if urb.client is client and urb.data.client_addr == address:
                send({'op': 'discard', 'key': self.key, 'urb': urb.id})
                client.complete(0, 0)
                return
        client.complete(-1, errno.EINVAL)

    def finish(self, urb_id, status, payload, offset, actual=None):
        """Completes a URB: IN bytes into its buffer (after the setup packet for control), its status, and its
        actual_length — bytes read for IN, bytes the device took for OUT (libusb reports an OUT URB with 0 as a
        short write)."""
        urb = self.pending.pop(urb_id, None)
        self.relay.urbs.pop(urb_id, None)
        if urb is None:
            return
        if payload and urb.buffer_data is not None:
            urb.buffer_data.update(offset, payload)
        # status at 4, actual_length after buffer pointer and buffer_length
        urb.data.update(4, struct.pack('i', status))
        urb.data.update(ACTUAL_OFFSET, struct.pack('i', len(payload) if actual is None else actual))
        self.reapable.append(urb)
        self.drain()

    def reap(self, client, arg):
        urb = next((urb for urb in self.reapable if urb.client is client), None)
        if urb is None:
            # Another open file's URBs keep the node pollable until that file reaps them or closes; if it has
            # closed, drop them now rather than let this program spin on the node until the next sweep.
            if self.reapable:
                self.sweep()
            if not self.reapable:
                self.fill()
            client.complete(-1, errno.ENODEV if self.gone else errno.EAGAIN)
            return
        self.reapable.remove(urb)
        arg.resolve(0, PTR).set_ptr(0, urb.data)
        if not self.reapable:
            self.fill()
        client.complete(0, 0)

    def unplug(self):
        self.gone = True
        for urb_id in list(self.pending):
            self.finish(urb_id, -errno.ENODEV, b'', 0)
        # Reapable URBs stay reapable (REAP_AFTER_DISCONNECT): keep the node readable for libusb's poll.
        self.drain()


def unlink_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class Relay:
    def __init__(self):
        self.testbed = UMockdev.Testbed.new()
        # The catch-all ioctl socket answers /dev paths without a handler of their own (/dev/null, a vanished node)
        # from recordings we do not use, and each such open would take a slot of the preload's fd table for good.
        unlink_quietly(os.path.join(self.testbed.get_root_dir(), 'ioctl', '_default'))
        self.devices = {}
        self.urbs = {}
        self.counter = 0
        self.pending_input = b''

    def next_id(self):
        self.counter += 1
        return self.counter

    def add(self, msg):
        """Adds a device in the order libusb needs: the ioctl socket (umockdev's preload exits a process
        that opens a node without one) and the FIFO node first, then sysfs with the binary descriptors,
        then the udev "add" event. add_from_string() sends that event itself when the relay runs under
        the preload (as it does: uevents go through it), so everything a listener opens must exist before
        it: an open of a node not yet in the testbed reaches the host's /dev, fails, and still takes a
        slot of the preload's fd table for good."""
        key = msg['key']
        devnode = msg['properties']['DEVNAME']
        syspath = '/sys/devices/' + msg['sysname']
        device = Device(self, key)
        device.init_drivers({int(interface): name for interface, name in msg.get('drivers', {}).items()})
        self.testbed.attach_ioctl(devnode, device.handler)
        node = os.path.join(self.testbed.get_root_dir(), devnode.lstrip('/'))
        os.makedirs(os.path.dirname(node), exist_ok=True)
        unlink_quietly(node)
        # a FIFO, not a plain file, lets libusb's poll() block (see Device.fill)
        os.mkfifo(node, 0o666)
        device.open_fifo(node)
        self.devices[key] = (device, syspath, devnode)
        lines = ['P: ' + syspath[len('/sys'):], 'E: SUBSYSTEM=usb']
        lines += ['E: %s=%s' % kv for kv in msg['properties'].items()]
        # sysfs text attributes end in a newline; the record format escapes it
        lines += ['A: %s=%s\\n' % (name, value.rstrip('\n')) for name, value in msg['attributes'].items()]
        lines.append('H: descriptors=' + base64.b64decode(msg['descriptors']).hex().upper())
        self.testbed.add_from_string('\n'.join(lines) + '\n')
        if not UMockdev.in_mock_environment():
            self.testbed.uevent(syspath, 'add')
        send({'op': 'added', 'key': key, 'syspath': syspath})

    def remove(self, msg):
        entry = self.devices.pop(msg['key'], None)
        if entry is None:
            return
        device, syspath, devnode = entry
        device.unplug()
        # umockdev 0.17's remove_device() sends its "remove" uevent after the sysfs entry is gone,
        # so it never leaves ("No such device"): send it while the device still exists.
        self.testbed.uevent(syspath, 'remove')
        # The ioctl handler stays attached: libusb may still hold the node open, and its ioctls must
        # get -ENODEV as from a vanished usbfs device (a closed socket makes umockdev's preload exit).
        self.testbed.remove_device(syspath)
        root = self.testbed.get_root_dir()
        node = os.path.join(root, devnode.lstrip('/'))
        if os.path.lexists(node):
            os.unlink(node)  # the node is ours (a FIFO), so removing it is ours too
        # umockdev's preload connects an ioctl socket on every open() of a /dev path, even one that failed, and
        # never lets go of it (its fd table holds 50): an open of the vanished node must find no socket to connect.
        unlink_quietly(os.path.join(root, 'ioctl', devnode.lstrip('/')))
        send({'op': 'removed', 'key': msg['key']})

    def sweep(self):
        """Notices closed usbfs files while no other program calls an ioctl (their claims are released then)."""
        with STATE:
            for device, _syspath, _devnode in self.devices.values():
                device.sweep()
        return True

    def sync(self, msg):
        """Answers once everything sent before it (notices included) is out: the Node side's barrier."""
        send({'op': 'synced', 'key': msg['key']})

    def done(self, msg):
        device = self.urbs.get(msg['urb'])
        if device is not None:
            device.finish(msg['urb'], msg['status'], base64.b64decode(msg['data']), msg.get('offset', 0), msg.get('actual'))

    def on_input(self, fd, _condition):
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            loop.quit()
            return False
        self.pending_input += chunk
        *lines, self.pending_input = self.pending_input.split(b'\n')
        try:
            for line in lines:
                msg = json.loads(line)
                with STATE:
                    getattr(self, msg['op'])(msg)
        except Exception as err:  # a protocol error ends the relay: the Node side sees it exit
            sys.stderr.write('usbfs relay: %r\n' % (err,))
            loop.quit()
            return False
        return True


relay = Relay()
loop = GLib.MainLoop()
GLib.timeout_add(SWEEP_INTERVAL_MS, relay.sweep)
GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, sys.stdin.fileno(), GLib.IOCondition.IN | GLib.IOCondition.HUP, relay.on_input)
send({'op': 'ready', 'root': relay.testbed.get_root_dir()})
loop.run()
