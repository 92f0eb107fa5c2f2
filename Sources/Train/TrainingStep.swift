import CounterRandom
import Tensor

extension Trainer {
    /// One optimisation step in the reference's order (processor/pretrain_hiclr.py:98-126): gradients zeroed,
    /// the model's forward and backward (the key encoder follows by momentum before the key pass, the keys are
    /// enqueued after the loss and `queue_ptr` advances by the batch), then the SGD step. The parameters keep
    /// this step's gradients afterwards. Throws, before the SGD step, when the loss is not finite.
    public static func step(model: HiCLRModel, optimizer: SGD, views: HiCLRViews, key: RandomKey, mining: Bool,
                            context: String = "") throws -> HiCLRLossTerms {
        optimizer.zeroGradients()
        let terms = model.trainStep(views, key: key, mining: mining)
        guard terms.total.isFinite else { throw TrainError.data("loss became \(terms.total) at \(context)") }
        optimizer.step()
        return terms
    }
}
