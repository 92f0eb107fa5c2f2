import CounterRandom
import Models
import TensorModule

/// The inputs of one HiCLR step, each `[B, C, T, V, M]`: q and k are two basic views (T0), q1 the normal
/// view (T1) and q2 the strong view (T2). A view whose branch masks joints carries its mask `[B, T, V]`
/// (true = hidden); the model writes its learnable token there (HiCLR: q2; ablations may mask other branches).
public struct HiCLRViews {
    public var q: Tensor
    public var k: Tensor
    public var q1: Tensor?
    public var q2: Tensor?
    public var qMask: [Bool]?
    public var kMask: [Bool]?
    public var q1Mask: [Bool]?
    public var q2Mask: [Bool]?

    public init(q: Tensor, k: Tensor, q1: Tensor? = nil, q2: Tensor? = nil, qMask: [Bool]? = nil, kMask: [Bool]? = nil,
                q1Mask: [Bool]? = nil, q2Mask: [Bool]? = nil) {
        self.q = q; self.k = k; self.q1 = q1; self.q2 = q2
        self.qMask = qMask; self.kMask = kMask; self.q1Mask = q1Mask; self.q2Mask = q2Mask
    }
}

/// MoCo v2 with HiCLR's hierarchical consistency (docs/training.md): a query encoder trained by SGD, a key encoder
/// following it by momentum, a queue of keys, and a learnable scalar (`mask_param`) written into the masked
/// joints of the strong view. State names follow the reference `state_dict`.
public final class HiCLRModel {
    public let encoderQ: STGCN
    public let encoderK: STGCN
    /// `mask_param`, shape [1].
    public let maskParameter: Parameter
    public let queue: KeyQueue
    public var loss: HiCLRLoss
    /// Key encoder momentum m: θk ← m θk + (1 − m) θq.
    public var momentum: Float

    public init(encoder configuration: STGCNConfiguration, queueSize: Int, momentum: Float, loss: HiCLRLoss,
                key: RandomKey) {
        encoderQ = STGCN(configuration: configuration, key: key.derived(1))
        encoderK = STGCN(configuration: configuration, key: key.derived(1))
        for (q, k) in zip(encoderQ.stateEntries(), encoderK.stateEntries()) { k.tensor.assign(q.tensor) }
        for p in encoderK.parameters { p.requiresGradient = false }
        maskParameter = Parameter(Tensor(shape: [1]))
        let dimension: Int
        switch configuration.head {
        case .mlp(let features): dimension = features
        case .linear(let classes): dimension = classes
        case .none: dimension = configuration.hiddenDim
        }
        queue = KeyQueue(dimension: dimension, size: queueSize, key: key.derived(2))
        self.momentum = momentum
        self.loss = loss
    }

    /// The trainable parameters with their `state_dict` names (mask token first, as the reference registers it).
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        [("mask_param", maskParameter)] + encoderQ.namedParameters().map { ("encoder_q." + $0.name, $0.parameter) }
    }

    /// Every `state_dict` entry of the reference HiCLR model.
    public func stateEntries() -> [StateDictFile.Entry] {
        // PyTorch's order (HiCLR net/hiclr.py): the model's own parameter `mask_param` (line 24), its buffers
        // `queue` and `queue_ptr` of shape (1,) (lines 70-72), then the submodules encoder_q and encoder_k.
        var entries = [StateDictFile.Entry(name: "mask_param", tensor: maskParameter.value),
                       .init(name: "queue", tensor: queue.keys),
                       .init(name: "queue_ptr", tensor: Tensor(shape: [1], values: [Float(queue.pointer)]), isCounter: true)]
        for (prefix, encoder) in [("encoder_q.", encoderQ), ("encoder_k.", encoderK)] {
            entries += encoder.stateEntries().map {
                StateDictFile.Entry(name: prefix + $0.name, tensor: $0.tensor, isCounter: $0.kind == .counter)
            }
        }
        return entries
    }

    /// θk ← m θk + (1 − m) θq for every parameter (buffers are the key encoder's own, as in MoCo).
    public func momentumUpdate() {
        let m = momentum
        for (q, k) in zip(encoderQ.parameters, encoderK.parameters) {
            q.value.withUnsafeBufferPointer { src in
                k.value.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<dst.count { dst[i] = m * dst[i] + (1 - m) * src[i] }
                }
            }
        }
    }

    /// Writes the mask token into the hidden joints (every coordinate, both bodies) of `x` `[B, C, T, V, M]`.
    func fillMask(_ x: Tensor, mask: [Bool]) {
        let (b, c, t, v, m) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
        precondition(mask.count == b * t * v, "mask of \(mask.count) for \(x.shape)")
        let token = maskParameter.value[flat: 0]
        x.withUnsafeMutableBufferPointer { p in
            for n in 0..<b { for f in 0..<t { for j in 0..<v where mask[(n * t + f) * v + j] {
                for ch in 0..<c { for body in 0..<m { p[(((n * c + ch) * t + f) * v + j) * m + body] = token } }
            } } }
        }
    }

    /// Σ of `dx` over the hidden positions: the mask token's gradient.
    func maskGradient(_ dx: Tensor, mask: [Bool]) -> Float {
        let (b, c, t, v, m) = (dx.shape[0], dx.shape[1], dx.shape[2], dx.shape[3], dx.shape[4])
        var total: Float = 0
        dx.withUnsafeBufferPointer { p in
            for n in 0..<b { for f in 0..<t { for j in 0..<v where mask[(n * t + f) * v + j] {
                for ch in 0..<c { for body in 0..<m { total += p[(((n * c + ch) * t + f) * v + j) * m + body] } }
            } } }
        }
        return total
    }

    /// One training step's forward and backward: adds the gradients of the HiCLR loss to the query encoder's
    /// parameters and the mask token, updates the key encoder by momentum, and enqueues the keys. The caller
    /// zeroes gradients before and runs the optimiser after. `key` seeds dropout and DAE of this step.
    public func trainStep(_ views: HiCLRViews, key: RandomKey, mining: Bool) -> HiCLRLossTerms {
        for (x, mask) in [(views.q, views.qMask), (views.k, views.kMask), (views.q1, views.q1Mask), (views.q2, views.q2Mask)] {
            if let x, let mask { fillMask(x, mask: mask) }
        }
        let passQ = encoderQ.forward(views.q, training: true, key: key.derived(0))
        let passQ1 = views.q1.map { encoderQ.forward($0, training: true, key: key.derived(1), graphAugmentation: false) }
        let passQ2 = views.q2.map { encoderQ.forward($0, training: true, key: key.derived(2), graphAugmentation: false) }
        let zq = L2Normalize.forward(passQ.output)
        let zq1 = passQ1.map { L2Normalize.forward($0.output) }
        let zq2 = passQ2.map { L2Normalize.forward($0.output) }

        momentumUpdate()
        let k = L2Normalize.forward(encoderK.forward(views.k, training: true, key: key.derived(3), recordTape: false,
                                                     graphAugmentation: false).output)
        let result = loss.compute(q: zq, k: k, q1: zq1, q2: zq2, queue: queue, mining: mining)

        // Back through each query branch; a masked branch also hands the token its input gradient.
        let branches: [(STGCN.Output?, Tensor?, [Bool]?)] = [(passQ, result.dq, views.qMask),
                                                              (passQ1, result.dq1, views.q1Mask),
                                                              (passQ2, result.dq2, views.q2Mask)]
        for (pass, gradient, mask) in branches {
            guard let pass, let gradient else { continue }
            let dx = encoderQ.backward(pass.tape!, outputGradient: L2Normalize.backward(gradient, input: pass.output),
                                       needInputGradient: mask != nil)
            if let dx, let mask { maskParameter.gradient[flat: 0] += maskGradient(dx, mask: mask) }
        }
        queue.enqueue(k)
        return result.terms
    }
}
