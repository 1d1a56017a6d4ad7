"""Atlas ETL job: curate landing drops, or publish curated data (--stage curate|publish).

curate:  reads the catalogued landing table, drops records without an id, de-duplicates by id
         and writes Parquet to the curated zone (job bookmarks skip drops already processed).
publish: reads the curated zone and writes the consumer-facing published zone.
"""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

args = getResolvedOptions(
    sys.argv,
    ["JOB_NAME", "stage", "landing_database", "landing_table", "curated_path", "published_path"],
)
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)
spark = glue.spark_session

if args["stage"] == "curate":
    drops = glue.create_dynamic_frame.from_catalog(
        database=args["landing_database"],
        table_name=args["landing_table"],
        transformation_ctx="landing",
    ).toDF()
    curated = (
        drops.filter(F.col("record_id").isNotNull())
        .dropDuplicates(["record_id"])
        .withColumn("curated_at", F.current_timestamp())
    )
    curated.write.mode("append").parquet(args["curated_path"])
elif args["stage"] == "publish":
    curated = spark.read.parquet(args["curated_path"])
    published = curated.dropDuplicates(["record_id"]).drop("curated_at")
    published.write.mode("overwrite").parquet(args["published_path"])
else:
    raise ValueError("unknown --stage %r (expected curate or publish)" % args["stage"])

job.commit()
