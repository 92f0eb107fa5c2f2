import CBLAS

/// Typed Swift wrappers over the CBLAS interface of OpenBLAS.
///
/// This is the only module that imports `CBLAS`. Every wrapper calls exactly one C function and
/// names it in its doc comment. Matrices are row-major views on `UnsafeBufferPointer`s
/// (``MatrixView`` / ``MutableMatrixView``) whose bounds are checked once when the view is made,
/// so a shape mistake fails loudly instead of reading past a buffer.
public enum BLAS {
    /// Whether an operand enters a product as stored or transposed.
    public enum Transpose: Sendable {
        case none
        case transposed

        var cValue: CBLAS_TRANSPOSE {
            switch self {
            case .none: return CblasNoTrans
            case .transposed: return CblasTrans
            }
        }
    }
}

/// Converts a dimension to the 32-bit integer type the CBLAS interface takes.
@inline(__always)
func blasInt(_ value: Int) -> blasint {
    precondition(value >= 0 && value <= Int(Int32.max), "BLAS dimension \(value) out of range")
    return blasint(value)
}
