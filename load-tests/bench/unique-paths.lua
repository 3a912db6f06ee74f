-- wrk script: every request asks for a path never asked before (the URL's path plus a counter), so
-- each one is a cache miss. compare.sh uses it to warm the proxies' miss paths before flash crowds.
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. counter)
end
