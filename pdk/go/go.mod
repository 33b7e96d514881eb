module github.com/affcore/affcore/pdk/go

go 1.24
