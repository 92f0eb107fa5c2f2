import TensorModule

/// Central finite differences, for checking hand-written backward passes.
///
/// The closures evaluate a scalar loss from the *current* elements of the tensors; the tensors
/// are perturbed in place and restored before returning.
public enum FiniteDifference {
    /// `(L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h` for each flat index `i` in `indices`.
    public static func gradient(of loss: () -> Double, wrt tensor: Tensor, indices: [Int],
                                step h: Float) -> [Double] {
        indices.map { i in
            let original = tensor[flat: i]
            tensor[flat: i] = original + h
            let plus = loss()
            tensor[flat: i] = original - h
            let minus = loss()
            tensor[flat: i] = original
            return (plus - minus) / (2 * Double(h))
        }
    }

    /// `(L(x + h·d) − L(x − h·d)) / 2h`, moving every tensor along its direction at once.
    public static func directionalDerivative(of loss: () -> Double, wrt tensors: [Tensor],
                                             directions: [Tensor], step h: Float) -> Double {
        precondition(tensors.count == directions.count, "one direction per tensor")
        let originals = tensors.map { $0.copy() }
        func move(_ amount: Float) {
            for (tensor, (original, direction)) in zip(tensors, zip(originals, directions)) {
                tensor.assign(original)
                Elementwise.addInPlace(tensor, direction, alpha: amount)
            }
        }
        move(h)
        let plus = loss()
        move(-h)
        let minus = loss()
        for (tensor, original) in zip(tensors, originals) { tensor.assign(original) }
        return (plus - minus) / (2 * Double(h))
    }
}
