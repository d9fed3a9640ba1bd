"""Kernel drivers on the interfaces of an emulated usbfs device, for usbfs_relay.py.

What usbfs does when a driver (usblp, or another program's claim, which the kernel reports as
"usbfs") holds an interface: GETDRIVER names it, CLAIMINTERFACE fails with EBUSY, DISCONNECT_CLAIM
and USBDEVFS_IOCTL(DISCONNECT) take it off (unless the caller's flags say not to), CONNECT binds it
again. libusb's auto-detach runs exactly that sequence.
"""
import errno
import struct


def _ioc(direction, nr, size):
    return (direction << 30) | (size << 16) | (ord('U') << 8) | nr


PTR = struct.calcsize('P')
# struct usbdevfs_ioctl: int ifno, int ioctl_code, void *data
USBDEVFS_IOCTL_SIZE = 16 if PTR == 8 else 12
# ioctl_code values of USBDEVFS_IOCTL (struct usbdevfs_ioctl: int ifno, int ioctl_code, void *data)
USBDEVFS_DISCONNECT = _ioc(0, 22, 0)
USBDEVFS_CONNECT = _ioc(0, 23, 0)
# struct usbdevfs_disconnect_claim flags
DISCONNECT_CLAIM_IF_DRIVER = 0x01
DISCONNECT_CLAIM_EXCEPT_DRIVER = 0x02


class KernelDrivers:
    """Mixin of the relay's Device: its `drivers` (interface -> driver name), the drivers a DISCONNECT
    took off (`detached`, which CONNECT binds again) and the interfaces claimed through this node.
    The host class provides `key` and `notify(message)`."""

    def init_drivers(self, drivers):
        self.drivers = dict(drivers)
        self.detached = {}
        self.claimed = set()

    @staticmethod
    def u32s(arg, size, count):
        """The first `count` unsigned ints of the `size`-byte struct the ioctl argument points to."""
        return struct.unpack_from('I' * count, bytes(arg.resolve(0, size).retrieve()))

    @staticmethod
    def cstring(arg, size, offset):
        raw = bytes(arg.resolve(0, size).retrieve())[offset:]
        return raw.split(b'\0', 1)[0].decode('ascii', 'replace')

    def bind(self, interface, driver):
        if driver is None:
            self.drivers.pop(interface, None)
        else:
            self.drivers[interface] = driver
        self.notify({'op': 'notice', 'key': self.key, 'what': 'KERNEL_DRIVER', 'value': interface, 'driver': driver})

    def detach(self, interface):
        self.detached[interface] = self.drivers[interface]
        self.bind(interface, None)

    def get_driver(self, client, arg):
        data = arg.resolve(0, 260)
        interface = struct.unpack_from('I', bytes(data.retrieve()))[0]
        driver = 'usbfs' if interface in self.claimed else self.drivers.get(interface)
        if driver is None:
            client.complete(-1, errno.ENODATA)
            return
        data.update(4, driver.encode('ascii') + b'\0')
        client.complete(0, 0)

    def driver_ioctl(self, client, arg):
        """USBDEVFS_IOCTL with DISCONNECT (unbind the kernel driver) or CONNECT (let it bind again)."""
        interface, code = struct.unpack_from('ii', bytes(arg.resolve(0, USBDEVFS_IOCTL_SIZE).retrieve()))
        if code == USBDEVFS_DISCONNECT:
            driver = self.drivers.get(interface)
            if driver is None or driver == 'usbfs':
                client.complete(-1, errno.ENODATA)
                return
            self.detach(interface)
        elif code == USBDEVFS_CONNECT:
            if interface in self.claimed:
                client.complete(-1, errno.EBUSY)
                return
            driver = self.detached.pop(interface, None)
            if driver is not None:
                self.bind(interface, driver)
        else:
            client.complete(-1, errno.ENOTTY)
            return
        client.complete(0, 0)

    def claim(self, client, interface, disconnect):
        """CLAIMINTERFACE, or DISCONNECT_CLAIM (disconnect = flags and driver name): an interface a driver
        holds is busy unless the caller may disconnect that driver; the kernel never disconnects another
        program's claim ("usbfs")."""
        driver = self.drivers.get(interface)
        if driver is not None:
            flags, named = disconnect if disconnect else (0, '')
            allowed = disconnect is not None and driver != 'usbfs' and not (
                (flags & DISCONNECT_CLAIM_IF_DRIVER and driver != named) or (flags & DISCONNECT_CLAIM_EXCEPT_DRIVER and driver == named))
            if not allowed:
                client.complete(-1, errno.EBUSY)
                return
            self.detach(interface)
        self.claimed.add(interface)
        self.notify({'op': 'notice', 'key': self.key, 'what': 'CLAIMINTERFACE', 'value': interface})
        client.complete(0, 0)

    def release(self, client, interface):
        self.claimed.discard(interface)
        self.notify({'op': 'notice', 'key': self.key, 'what': 'RELEASEINTERFACE', 'value': interface})
        client.complete(0, 0)

