import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fastest read of a one-row chunk, for the shard sample datasets' default storage: a chunk that holds the
/// row's bytes as they are followed by HDF5's Fletcher-32 checksum (the pipeline is that filter alone), or the
/// bytes alone (no filter at all: level-0 shards written before the checksum).
///
/// libhdf5 (`H5Dread_chunk`) would look the chunk up in the chunk index (twice: its size first), copy it into
/// a new buffer, and the row would then be copied out once more. Here the chunk's file address is looked up
/// once per row (`H5Dget_chunk_info_by_coord`) and remembered, and the chunk is read with one `preadv` straight
/// into the caller's buffer (the 4 checksum bytes beside it), outside the libhdf5 lock, then verified in
/// place. It applies only where that is exactly what libhdf5 would read: a file open read-only (so no chunk
/// moves) through the default sec2 driver without a user block (chunk addresses are then file offsets), and a
/// chunk stored with every filter applied (filter mask 0) at the row's size (plus 4 bytes with the checksum).
/// Anything else, and any failure here (a short read, a checksum that does not match), goes the ordinary
/// way, which then gives the same result or the same error as before.
final class DirectRowChunks {
    /// A descriptor of the file, owned here: it stays open as long as this object, whatever happens to the
    /// libhdf5 file meanwhile.
    let descriptor: Int32
    /// Rows of the dataset (fixed: the file is open read-only).
    let rows: Int
    /// Bytes of one row (the chunk without its checksum).
    let rowBytes: Int
    /// Bytes after the row in a stored chunk: 4 for the Fletcher-32 checksum, or 0.
    let trailerBytes: Int
    /// File offset of each row's chunk: 0 not looked up yet (0 is the superblock, never a chunk), `unusable`
    /// when the chunk must be read the ordinary way. Read and written with the libhdf5 lock held.
    fileprivate(set) var offsets: [UInt64]
    private var coordinate: [hsize_t]
    static let unusable = UInt64.max

    private init(descriptor: Int32, rows: Int, rowBytes: Int, checksummed: Bool, rank: Int) {
        self.descriptor = descriptor
        self.rows = rows
        self.rowBytes = rowBytes
        trailerBytes = checksummed ? HDF5ChunkCodec.checksumSize : 0
        offsets = [UInt64](repeating: 0, count: rows)
        coordinate = [hsize_t](repeating: 0, count: rank)
    }

    deinit { _ = close(descriptor) }

    /// The direct reader of dataset `id` in the file at `path` whose rows hold `rowBytes` bytes, stored as they
    /// are and, when `checksummed`, followed by their Fletcher-32 checksum; or nil where
    /// it does not apply (see the type). Call with the lock held. Every failure here only means "not
    /// applicable".
    ///
    /// The corresponding C functions are `H5Iget_file_id`, `H5Fget_intent`, `H5Fget_access_plist`,
    /// `H5Pget_driver`, `H5Fget_create_plist`, `H5Pget_userblock`, `H5Fget_vfd_handle`, `H5Dget_space` and
    /// `H5Sget_simple_extent_dims`.
    static func make(dataset id: hid_t, path: String, rowBytes: Int, checksummed: Bool) -> DirectRowChunks? {
        defer { _ = H5Eclear2(hiclr_H5E_DEFAULT()) }
        let file = H5Iget_file_id(id)
        guard file >= 0 else { return nil }
        defer { _ = H5Fclose(file) }
        var intent: UInt32 = 0
        guard H5Fget_intent(file, &intent) >= 0, intent & hiclr_H5F_ACC_RDWR() == 0 else { return nil }
        let fapl = H5Fget_access_plist(file)
        guard fapl >= 0 else { return nil }
        let driver = H5Pget_driver(fapl)
        _ = H5Pclose(fapl)
        guard driver >= 0, driver == hiclr_H5FD_SEC2() else { return nil }
        let fcpl = H5Fget_create_plist(file)
        guard fcpl >= 0 else { return nil }
        var userBlock: hsize_t = 1
        let userBlockStatus = H5Pget_userblock(fcpl, &userBlock)
        _ = H5Pclose(fcpl)
        guard userBlockStatus >= 0, userBlock == 0 else { return nil }
        var handle: UnsafeMutableRawPointer?
        guard H5Fget_vfd_handle(file, hiclr_H5P_DEFAULT(), &handle) >= 0, let handle else { return nil }
        let space = H5Dget_space(id)
        guard space >= 0 else { return nil }
        defer { _ = H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank >= 1 else { return nil }
        var dims = [hsize_t](repeating: 0, count: rank)
        guard H5Sget_simple_extent_dims(space, &dims, nil) >= 0 else { return nil }
        // Our own descriptor, opened by name and checked to be libhdf5's file (same device and inode): a
        // duplicate of libhdf5's would share its open file description, and with it libhdf5's lock on the
        // file (flock), which would then outlive the libhdf5 file and keep it from being opened for writing.
        var ours = stat(), theirs = stat()
        guard fstat(handle.load(as: Int32.self), &theirs) == 0 else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        guard fstat(descriptor, &ours) == 0, ours.st_dev == theirs.st_dev, ours.st_ino == theirs.st_ino else {
            _ = close(descriptor)
            return nil
        }
        return DirectRowChunks(descriptor: descriptor, rows: Int(dims[0]), rowBytes: rowBytes, checksummed: checksummed,
                               rank: rank)
    }

    /// The file offset of row `row`'s chunk when it can be read directly, else nil. Call with the lock held.
    ///
    /// The corresponding C function is `H5Dget_chunk_info_by_coord`.
    func offset(ofRow row: Int, dataset id: hid_t) -> UInt64? {
        guard row >= 0, row < rows else { return nil }
        var offset = offsets[row]
        if offset == 0 {
            coordinate[0] = hsize_t(row)
            var mask: UInt32 = 0
            var address: haddr_t = 0
            var size: hsize_t = 0
            if H5Dget_chunk_info_by_coord(id, coordinate, &mask, &address, &size) >= 0, mask == 0,
               address != hiclr_HADDR_UNDEF(), address != 0, size == hsize_t(rowBytes + trailerBytes) {
                offset = UInt64(address)
            } else {
                _ = H5Eclear2(hiclr_H5E_DEFAULT())
                offset = Self.unusable
            }
            offsets[row] = offset
        }
        return offset == Self.unusable ? nil : offset
    }

    /// Reads the chunk at `offset` into `destination` (exactly `rowBytes`) and verifies its checksum if it has
    /// one; false on a short or failed read or a checksum mismatch (`destination` then holds unspecified bytes).
    /// Needs no lock.
    ///
    /// The corresponding C function is `preadv`.
    func read(at offset: UInt64, into destination: UnsafeMutableRawBufferPointer) -> Bool {
        guard destination.count == rowBytes, let base = destination.baseAddress else { return false }
        var stored: UInt32 = 0  // the checksum
        let total = rowBytes + trailerBytes
        var done = 0
        while done < total {
            let got = withUnsafeMutableBytes(of: &stored) { trailer -> Int in
                withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { parts -> Int in
                    var count: Int32 = 1
                    if done < rowBytes {
                        parts[0] = iovec(iov_base: base + done, iov_len: rowBytes - done)
                        parts[1] = iovec(iov_base: trailer.baseAddress, iov_len: trailerBytes)
                        count = trailerBytes > 0 ? 2 : 1
                    } else {
                        parts[0] = iovec(iov_base: trailer.baseAddress! + (done - rowBytes), iov_len: total - done)
                    }
                    return preadv(descriptor, parts.baseAddress, count, off_t(offset) + off_t(done))
                }
            }
            if got > 0 {
                done += got
            } else if got < 0 && errno == EINTR {
                continue
            } else {
                return false  // end of file or an I/O error: the ordinary path reports it
            }
        }
        return trailerBytes == 0
            || HDF5ChunkCodec.checksumMatches(UInt32(littleEndian: stored), UnsafeRawBufferPointer(destination))
    }
}

/// Holds a dataset's direct reader once decided (nil inside when it does not apply).
final class DirectRowChunksBox {
    let reader: DirectRowChunks?
    init(reader: DirectRowChunks?) { self.reader = reader }
}

extension DirectRowChunks {
    /// Rows whose chunk was found directly readable so far. Call with the lock held.
    var directRows: Int { offsets.reduce(0) { $0 + ($1 != 0 && $1 != Self.unusable ? 1 : 0) } }
}

extension HDF5Dataset {
    /// For tests: how many rows `readRow` has found directly readable (`DirectRowChunks`), or nil when it has
    /// not read a checksum-only row yet or the direct path does not apply to this dataset.
    var directlyReadableRows: Int? {
        HDF5Library.locked { directRowChunks?.reader?.directRows }
    }
}
