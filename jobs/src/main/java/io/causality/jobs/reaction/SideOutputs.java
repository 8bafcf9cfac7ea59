package io.causality.jobs.reaction;

import org.apache.flink.util.OutputTag;

/**
 * The side outputs of whichever context an operator method has ({@code ctx::output}): the contexts
 * of Flink's process functions share the method but no type.
 */
@FunctionalInterface
interface SideOutputs {
    <X> void output(OutputTag<X> tag, X value);
}
