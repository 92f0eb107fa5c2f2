import Foundation
@_exported import TestSupport
import XCTest

/// A fresh temporary directory for HDF5 tests, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
    try TestSupport.makeTemporaryDirectory(test, tag: "hdf5tests")
}
