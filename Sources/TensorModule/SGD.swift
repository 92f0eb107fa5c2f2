/// Stochastic gradient descent with momentum and weight decay, PyTorch's `optim.SGD` with
/// `dampening = 0`:
///
///     d = grad + weightDecay · p
///     buf = d                       (first step of a parameter)
///     buf = momentum · buf + d      (later steps)
///     p  -= learningRate · buf                     (nesterov = false)
///     p  -= learningRate · (d + momentum · buf)    (nesterov = true)
///
/// Parameters with `requiresGradient == false` are skipped and keep no state, like PyTorch's
/// parameters whose `.grad` is `None`.
public final class SGD {
    /// The parameters, in the order their state is indexed (PyTorch's `params` order).
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    /// Nesterov momentum (PyTorch's `nesterov=True`).
    public let nesterov: Bool
    /// Momentum buffer per parameter; nil until the parameter's first step (PyTorch keeps no
    /// `momentum_buffer` state before then).
    public private(set) var momentumBuffers: [Tensor?]

    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 1e-4,
                nesterov: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        momentumBuffers = Array(repeating: nil, count: parameters.count)
    }

    /// Updates every trainable parameter from its accumulated gradient.
    public func step() {
        for (index, parameter) in parameters.enumerated() where parameter.requiresGradient {
            let p = parameter.value.pointer, g = parameter.gradient.pointer
            let count = parameter.value.count
            let (lr, wd, m) = (learningRate, weightDecay, momentum)
            if momentum == 0 {
                for i in 0..<count { p[i] -= lr * (g[i] + wd * p[i]) }
                continue
            }
            let first = momentumBuffers[index] == nil
            let buffer = momentumBuffers[index] ?? Tensor(shape: parameter.shape)
            momentumBuffers[index] = buffer
            let b = buffer.pointer
            let keep: Float = first ? 0 : m
            if nesterov {
                for i in 0..<count {
                    let d = g[i] + wd * p[i]
                    b[i] = keep * b[i] + d
                    p[i] -= lr * (d + m * b[i])
                }
            } else {
                for i in 0..<count {
                    b[i] = keep * b[i] + (g[i] + wd * p[i])
                    p[i] -= lr * b[i]
                }
            }
        }
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// Restores a momentum buffer (e.g. from a checkpoint); nil removes it.
    public func setMomentumBuffer(_ buffer: Tensor?, at index: Int) {
        precondition(buffer == nil || buffer!.shape == parameters[index].shape,
                     "momentum buffer shape \(buffer!.shape) for parameter \(parameters[index].shape)")
        momentumBuffers[index] = buffer?.copy()
    }
}

/// The reference's step schedule: `base · γ^(number of milestones m with epoch > m)`, where
/// `epoch` is 1-based as in the reference trainer (`meta_info['epoch'] = epoch + 1`), so with
/// milestone 250 epochs 1…250 use `base` and epochs 251… use `base · γ`.
public struct StepSchedule: Sendable, Equatable {
    public let base: Float
    public let milestones: [Int]
    public let gamma: Float

    public init(base: Float, milestones: [Int], gamma: Float = 0.1) {
        self.base = base
        self.milestones = milestones
        self.gamma = gamma
    }

    /// The learning rate for 1-based `epoch`.
    public func learningRate(epoch: Int) -> Float {
        let drops = milestones.filter { epoch > $0 }.count
        var rate = base
        for _ in 0..<drops { rate *= gamma }
        return rate
    }
}
