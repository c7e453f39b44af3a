//! No network for an extraction child, applied between fork and exec: a parser of hostile input
//! has no reason to open a socket, and a compromised one must not reach the broker or the
//! database on loopback.
//!
//! On Linux (x86_64, aarch64) two layers:
//! 1. a network namespace of its own (`unshare(CLONE_NEWNET)`) where the process may create one
//!    (root or CAP_SYS_ADMIN): its only interface is a loopback that is down. Refused in an
//!    unprivileged container, which is why it is not the only layer;
//! 2. always, a seccomp filter under which `socket(2)` and `io_uring_setup(2)` fail with
//!    EACCES, and any syscall of another ABI (i386, x32) too. It needs `no_new_privs`, which
//!    also stops the child gaining privileges through exec. If the kernel refuses the filter,
//!    the spawn fails: a child with network is never started.
//!
//! Elsewhere (another OS or architecture) nothing is applied here; the documented fallback is
//! to run the worker itself without network access to anything but the broker (a pod network
//! policy, a container network), as `deploy/` does.
//!
//! Everything here runs in the forked child before exec: async-signal-safe calls on stack data.

use std::io;

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
pub(crate) fn no_network() -> io::Result<()> {
    // SAFETY: unshare and prctl with valid arguments; the filter lives on this stack frame
    // for the duration of the call that copies it into the kernel.
    unsafe {
        // Best effort: EPERM without CAP_SYS_ADMIN; the seccomp filter holds either way.
        let _ = libc::unshare(libc::CLONE_NEWNET);
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut filter = socket_filter();
        let program = libc::sock_fprog {
            len: filter.len() as u16,
            filter: filter.as_mut_ptr(),
        };
        if libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &program as *const libc::sock_fprog,
        ) != 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
pub(crate) fn no_network() -> io::Result<()> {
    Ok(())
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
fn socket_filter() -> [libc::sock_filter; 8] {
    #[cfg(target_arch = "x86_64")]
    const AUDIT_ARCH: u32 = 0xc000_003e;
    #[cfg(target_arch = "aarch64")]
    const AUDIT_ARCH: u32 = 0xc000_00b7;
    // struct seccomp_data: nr at 0, arch at 4.
    const NR: u32 = 0;
    const ARCH: u32 = 4;
    const X32_SYSCALL_BIT: u32 = 0x4000_0000;
    const LD_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
    const JEQ: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
    const JGE: u16 = (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16;
    const RET: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
    let op = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
    // Jumps are relative to the next instruction; 6 is DENY, 7 is ALLOW.
    [
        op(LD_ABS, 0, 0, ARCH),
        op(JEQ, 0, 4, AUDIT_ARCH),
        op(LD_ABS, 0, 0, NR),
        op(JGE, 2, 0, X32_SYSCALL_BIT),
        op(JEQ, 1, 0, libc::SYS_socket as u32),
        op(JEQ, 0, 1, libc::SYS_io_uring_setup as u32),
        op(RET, 0, 0, libc::SECCOMP_RET_ERRNO | libc::EACCES as u32),
        op(RET, 0, 0, libc::SECCOMP_RET_ALLOW),
    ]
}
