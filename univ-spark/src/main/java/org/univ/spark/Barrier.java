package org.univ.spark;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/** {@code rdd.barrier().mapPartitions(f)} for Java: Spark's {@code RDDBarrier} has Scala signatures only. */
public final class Barrier {
    private Barrier() {}

    /** One barrier stage: all partitions' tasks start together (or not at all) and fail together. */
    public static <T, U> JavaRDD<U> mapPartitions(JavaRDD<T> rdd, FlatMapFunction<Iterator<T>, U> f, Class<U> type) {
        ClassTag<U> tag = ClassTag$.MODULE$.apply(type);
        return rdd.rdd().barrier().mapPartitions(new Partitions<>(f), false, tag).toJavaRDD();
    }

    /** The Java function as the Scala function Spark serialises to the executors. */
    private static final class Partitions<T, U> extends AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<U>>
            implements Serializable {
        private final FlatMapFunction<Iterator<T>, U> f;

        Partitions(FlatMapFunction<Iterator<T>, U> f) {
            this.f = f;
        }

        @Override
        public scala.collection.Iterator<U> apply(scala.collection.Iterator<T> input) {
            try {
                return CollectionConverters.asScala(f.call(CollectionConverters.asJava(input)));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
