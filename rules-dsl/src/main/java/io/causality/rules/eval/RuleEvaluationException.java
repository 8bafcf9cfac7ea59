package io.causality.rules.eval;

/**
 * Evaluating a rule on an event went wrong in a way that is not a plain "no match" (a regular
 * expression ran out of its step budget). The job counts it and dead-letters the event with the
 * rule; it never stops the job.
 */
public final class RuleEvaluationException extends RuntimeException {
    public RuleEvaluationException(String message) {
        super(message, null, false, false);
    }
}
