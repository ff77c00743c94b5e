module flink-platform/node/pause

go 1.26.0
